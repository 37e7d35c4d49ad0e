"""Telephony settings and call actions on both databases: the owner's switches and their
rules, extensions, and the call-back taken on by exactly one of several managers at once."""

import asyncio

import pytest

from core.changes import NewCall
from core.domain import Role
from core.errors import DomainError
from core.telephony.events import Direction, parse_event
from tests.support import onboard, owner_with_org, profile, services_for

pytestmark = pytest.mark.db


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _managers(services, owner, count):
    token = (await services.invites.create(owner, Role.MANAGER, uses=count)).token
    people = []
    for i in range(count):
        person = profile(f"M{i}")
        actor = await onboard(services, person)
        await services.invites.accept(actor, token)
        people.append(await services.users.identify(person))
    return people


async def test_the_owner_switches_recording_with_a_confirmation(services):
    owner = await owner_with_org(services)
    status = await services.telephony.status(owner)
    assert status.webhook_url.startswith("http://127.0.0.1:8081/pbx/zadarma/")
    assert status.account.org_key and not status.has_credentials
    assert (await services.telephony.status(owner)).account.org_key == status.account.org_key
    with pytest.raises(DomainError) as unconfirmed:
        await services.telephony.set_recording(owner, True)
    assert unconfirmed.value.code == "recording_unconfirmed"
    with pytest.raises(DomainError) as off:
        await services.telephony.set_transcription(owner, True)
    assert off.value.code == "recording_off"
    await services.telephony.set_recording(owner, True, confirmed=True)
    await services.telephony.set_transcription(owner, True)
    account = (await services.telephony.status(owner)).account
    assert account.recording_enabled and account.recording_confirmed_at is not None
    assert account.transcription_enabled
    await services.telephony.set_recording(owner, False)
    account = (await services.telephony.status(owner)).account
    assert not account.recording_enabled and not account.transcription_enabled


async def test_managers_set_their_extension_but_not_the_switches(services):
    owner = await owner_with_org(services)
    (manager,) = await _managers(services, owner, 1)
    await services.telephony.set_extension(manager, "101")
    await services.telephony.set_extension(manager, "102")
    await services.telephony.set_extension(owner, "101")
    account = (await services.telephony.status(owner)).account
    assert account.extensions == {"102": manager.user.id, "101": owner.user.id}
    with pytest.raises(DomainError):
        await services.telephony.set_recording(manager, True, confirmed=True)
    with pytest.raises(DomainError) as bad:
        await services.telephony.set_extension(manager, "1O1")
    assert bad.value.code == "extension_invalid"


async def test_one_manager_takes_on_the_call_back(services, uow_factory, clock):
    owner = await owner_with_org(services)
    managers = await _managers(services, owner, 4)
    account = (await services.telephony.status(owner)).account
    fields = {"event": "NOTIFY_START", "pbx_call_id": "in_1", "caller_id": "79035550011"}
    fields |= {"called_did": "74951234567", "call_start": "2026-03-02 12:00:00"}
    async with uow_factory() as uow:
        new = NewCall(direction=Direction.INCOMING, started_at=clock.now())
        call = await uow.calls.ensure(account.organization_id, "in_1", clock.now(), new)
        event = parse_event(fields)
        assert await uow.calls.record_event(account.organization_id, event, clock.now())
        await uow.commit()
    people = [owner, *managers]
    claims = await asyncio.gather(
        *(services.call_actions.claim_callback(p, call.id) for p in people)
    )
    winners = [person for person, claim in zip(people, claims, strict=True) if claim.mine]
    assert len(winners) == 1
    assert {c.view.callback.id for c in claims} == {winners[0].user.id}
    assert (await services.call_actions.claim_callback(winners[0], call.id)).mine, "a no-op"
