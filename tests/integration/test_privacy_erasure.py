"""Deletion on both databases: a client leaves no trace of their name, phone, files or PBX
calls (rows, raw webhook events, recordings, transcripts); a person's account is erased while
what they did stays; an organization is restorable on day 29 and gone, rows and objects, on
day 31; deactivation is read-only and reversible."""

from datetime import timedelta

import pytest

from core.changes import CallChange, PbxAccountChange
from core.domain import OrgStatus, Role
from core.errors import DomainError
from core.files.rules import sha256
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.telephony.events import recording_key
from tests.fakes.zadarma import FakeZadarma
from tests.privacy_support import open_world, png, seed_client
from tests.support import onboard, owner_with_org, profile, profile_of


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def test_erasing_a_client_leaves_no_trace(w, clock):
    owner = await owner_with_org(w.services)
    org = owner.organization.id
    gone = await seed_client(w, owner, clock, tag="Сидорова", phone="+79165551234")
    kept = await seed_client(w, owner, clock, tag="Оставшаяся", phone="+79167770000")
    await w.services.clients.card(owner, gone.client.id)
    assert await w.scan(gone.values)
    assert await w.keys(f"org/{org}/order/{gone.order.id}/")
    assert await w.run_jobs() == 2  # the uploads
    assert await w.services.erasure.erase_client(owner, gone.client.id) == 1
    assert await w.run_jobs() == 1
    assert await w.scan(gone.values) == []
    assert await w.keys(f"org/{org}/order/{gone.order.id}/") == []
    order = await w.services.orders.card(owner, gone.order.id)
    assert order.order.client_id is None and order.order.address is None
    assert order.order.price_minor == 350000  # the accounts keep the amount
    assert set(await w.scan(kept.values)) >= {"client.name", "voice_note.transcript"}
    assert await w.keys(f"org/{org}/order/{kept.order.id}/")
    found = await w.services.clients.find(owner, "Сидорова")
    assert found.items == ()


async def test_a_merged_card_goes_with_the_client(w, clock):
    owner = await owner_with_org(w.services)
    main = await seed_client(w, owner, clock, tag="Главная", phone="+79161110000")
    twin = await seed_client(w, owner, clock, tag="Двойник", phone="+79162220000")
    await w.services.clients.merge(owner, main.client.id, twin.client.id)
    await w.services.erasure.erase_client(owner, main.client.id)
    await w.run_jobs()
    assert await w.scan(main.values + twin.values) == []


async def test_only_owners_erase_clients(w, clock):
    owner = await owner_with_org(w.services)
    seeded = await seed_client(w, owner, clock)
    manager = await _member(w, owner, Role.MANAGER, "Менеджер")
    with pytest.raises(DomainError) as refused:
        await w.services.erasure.erase_client(manager, seeded.client.id)
    assert refused.value.code == "forbidden"


async def _member(w, owner, role, name):
    token = (await w.services.invites.create(owner, role)).token
    person = profile(name)
    actor = await onboard(w.services, person)
    await w.services.invites.accept(actor, token)
    return await w.services.users.identify(person)


async def test_a_person_deletes_their_account(w, clock):
    owner = await owner_with_org(w.services)
    seeded = await seed_client(w, owner, clock)
    worker = await _member(w, owner, Role.WORKER, "Евлампий")
    assign = OrderAction.ASSIGN
    await w.services.orders.act(owner, seeded.order.id, assign, assignee_id=worker.user.id)
    await w.services.orders.act(worker, seeded.order.id, OrderAction.START)
    telegram_id = worker.user.telegram_id
    await w.services.erasure.delete_account(worker)
    assert await w.scan(["Евлампий", telegram_id]) == []
    history = await w.services.orders.history(owner, seeded.order.id)
    start = next((event, who) for event, who in history if event.kind == "start")
    assert start[1] is not None and start[1].display_name == "?"  # kept, anonymous
    team = await w.services.team.team(owner)
    assert [v.membership.active for v in team if v.user.id == worker.user.id] == [False]
    again = await w.services.users.identify(profile_of(worker))  # a new /start: a new account
    assert again.user.id != worker.user.id and again.organization is None


async def test_the_sole_owner_cannot_delete_their_account(w):
    owner = await owner_with_org(w.services)
    with pytest.raises(DomainError) as refused:
        await w.services.erasure.delete_account(owner)
    assert refused.value.code == "sole_owner"


async def test_a_deleted_organization_is_restorable_on_day_29(w, clock):
    owner = await owner_with_org(w.services)
    seeded = await seed_client(w, owner, clock)
    pending = await w.services.erasure.delete_org(owner)
    assert pending.purge_at == clock.now() + timedelta(days=30)
    clock.advance(days=29)
    await w.services.erasure.enforce()
    await w.run_jobs()
    restored = await w.services.erasure.restore_org(owner, owner.organization.id)
    assert restored.organization.status is OrgStatus.ACTIVE
    owner = await w.services.users.identify(profile_of(owner))
    card = await w.services.clients.card(owner, seeded.client.id)
    assert card.view.name == "Агриппина Сидорова"
    clock.advance(days=2)
    await w.run_jobs()  # the purge job finds the organization restored
    assert (await w.services.clients.card(owner, seeded.client.id)).view.id == seeded.client.id


async def test_a_deleted_organization_is_gone_on_day_31(w, clock):
    owner = await owner_with_org(w.services)
    org = owner.organization.id
    seeded = await seed_client(w, owner, clock)
    other_owner = await owner_with_org(w.services, "Другая фирма")
    other = await seed_client(w, other_owner, clock, tag="Чужая", phone="+79163334455")
    await w.services.erasure.delete_org(owner)
    owner = await w.services.users.identify(profile_of(owner))
    with pytest.raises(DomainError) as hidden:
        await w.services.clients.card(owner, seeded.client.id)
    assert hidden.value.code == "org_pending_deletion"
    clock.advance(days=31)
    await w.run_jobs()
    assert await w.scan([*seeded.values, "Чистый дом"]) == []
    assert await w.keys(f"org/{org}/") == []
    assert await w.services.privacy.summary(owner) is not None
    with pytest.raises(DomainError):
        await w.services.erasure.restore_org(owner, org)
    assert set(await w.scan(other.values)) >= {"client.name"}
    assert await w.keys(f"org/{other_owner.organization.id}/")


async def test_deactivation_is_read_only_and_reversible(w, clock):
    owner = await owner_with_org(w.services)
    seeded = await seed_client(w, owner, clock)
    assert await w.services.erasure.set_active(owner, False)
    owner = await w.services.users.identify(profile_of(owner))
    assert owner.organization.status is OrgStatus.DEACTIVATED
    assert (await w.services.clients.card(owner, seeded.client.id)).view.name
    card = await w.services.orders.card(owner, seeded.order.id)
    assert card.actions == ()
    for change in (
        w.services.clients.edit(owner, seeded.client.id, "name", "Новое имя"),
        w.services.orders.act(owner, seeded.order.id, OrderAction.CANCEL),
        w.services.files.attach(
            owner, seeded.order.id, IncomingFile(png(99), "image/png", None, None, None)
        ),
        w.services.invites.create(owner, Role.WORKER),
        w.services.team.set_photos_required(owner, 2),
    ):
        with pytest.raises(DomainError) as refused:
            await change
        assert refused.value.code == "org_read_only"
    assert await w.services.erasure.set_active(owner, True)
    owner = await w.services.users.identify(profile_of(owner))
    await w.services.orders.act(owner, seeded.order.id, OrderAction.CANCEL)
    assert (await w.services.clients.card(owner, seeded.client.id)).view.name


async def _client_call(w, owner, phone: str, recording: str, said: str) -> str:
    """A recorded, transcribed and summarised PBX call from `phone`, through the webhook path
    the PBX uses; its pbx_call_id."""
    status = await w.services.telephony.status(owner)
    org_key = status.webhook_url.rsplit("/", 1)[1]
    async with w.uow() as uow:
        keys = PbxAccountChange(api_key="zd-key", api_secret="zd-secret")
        await uow.calls.save_account(owner.organization.id, w.clock.now(), keys)
        await uow.commit()
    pbx = FakeZadarma("zd-key", "zd-secret")
    pbx.now = w.clock.now
    call = pbx.incoming(phone.removeprefix("+"))
    for fields in (call.start(), call.end("answered", 95, "101", recording)):
        reply = await w.services.calls.handle_event(org_key, fields, pbx.sign(fields))
        assert reply.status == 200
    audio = b"OggS" + phone.encode()
    key = recording_key(owner.organization.id, sha256(audio), "ogg")
    await w.objects.put(key, audio, "audio/ogg")
    async with w.uow() as uow:
        [found] = await uow.calls.for_phones(owner.organization.id, [phone], 10)
        await uow.calls.update(
            owner.organization.id,
            found.id,
            w.clock.now(),
            CallChange(
                recording_key=key,
                recording_mime="audio/ogg",
                transcript=f"Просят приехать на {said}",
                summary={"address": said},
            ),
        )
        await uow.commit()
    return call.pbx_call_id


async def test_erasing_a_client_erases_their_pbx_calls_and_raw_events(w, clock):
    owner = await owner_with_org(w.services)
    org = owner.organization.id
    gone = await seed_client(w, owner, clock, tag="Сидорова", phone="+79165551234")
    kept = await seed_client(w, owner, clock, tag="Оставшаяся", phone="+79167770000")
    gone_call = await _client_call(w, owner, "+79165551234", "1772442000.77", "Садовую")
    kept_call = await _client_call(w, owner, "+79167770000", "1772442000.78", "Лесную")
    raw = [gone_call, "1772442000.77", "Садовую"]
    assert {"call.pbx_call_id", "call_event.pbx_call_id", "call_event.data"} <= set(
        await w.scan(raw)
    )
    assert await w.keys(f"org/{org}/calls/")
    await w.services.erasure.erase_client(owner, gone.client.id)
    await w.run_jobs()
    assert await w.scan([*gone.values, *raw]) == []
    assert {"call.pbx_call_id", "call_event.pbx_call_id"} <= set(await w.scan([kept_call]))
    assert len(await w.keys(f"org/{org}/calls/")) == 1  # the other client's recording
    assert set(await w.scan(kept.values)) >= {"client.name"}
