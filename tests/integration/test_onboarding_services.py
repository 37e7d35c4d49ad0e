"""Onboarding, organizations, invites and the team, through the services on a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.dialogs.engine import DialogInput
from core.domain import Role
from core.errors import DomainError
from core.outcomes import Declined, Joined, OrganizationCreated, Prompt
from storage.tables import ConsentRow, MembershipRow, OrganizationRow
from tests.support import onboard, owner_with_org, profile, services_for


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _count(uow_factory, row, *where):
    async with uow_factory() as uow:
        stmt = select(func.count()).select_from(row)
        for clause in where:
            stmt = stmt.where(clause)
        return (await uow._session.execute(stmt)).scalar_one()


async def test_owner_onboards_and_creates_an_organization(services, uow_factory):
    person = profile("Olga")
    actor = await services.users.identify(person)
    first = await services.start.begin(actor, person.telegram_id, None)
    assert isinstance(first, Prompt) and first.state.step == "language"
    chat = person.telegram_id
    for given in (DialogInput(choice="ru"), DialogInput(choice="yes")):
        await services.dialogs.answer(actor, chat, given)
    outcome = await services.dialogs.answer(actor, chat, DialogInput(choice="accept"))
    assert isinstance(outcome, Prompt) and outcome.state.flow == "new_org"
    actor = await services.users.identify(person)
    assert actor.user.language == "ru" and actor.user.consent_version == "2025-01"
    for given in (DialogInput(text="Чистый дом"), DialogInput(text="Europe/Moscow")):
        await services.dialogs.answer(actor, chat, given)
    created = await services.dialogs.answer(actor, chat, DialogInput(choice="RUB"))
    assert isinstance(created, OrganizationCreated)
    assert created.organization.timezone == "Europe/Moscow" and created.categories
    actor = await services.users.identify(person)
    assert actor.role is Role.OWNER and actor.organization.name == "Чистый дом"
    assert await _count(uow_factory, ConsentRow, ConsentRow.accepted.is_(True)) == 2


async def test_declining_keeps_nothing_but_the_answer(services, uow_factory):
    person = profile()
    actor = await services.users.identify(person)
    await services.start.begin(actor, person.telegram_id, None)
    await services.dialogs.answer(actor, person.telegram_id, DialogInput(choice="en"))
    outcome = await services.dialogs.answer(actor, person.telegram_id, DialogInput(choice="no"))
    assert outcome == Declined("age")
    actor = await services.users.identify(person)
    assert not actor.user.onboarded
    assert await _count(uow_factory, OrganizationRow) == 0
    assert await services.dialogs.current(actor, person.telegram_id) is None


async def test_invite_lifecycle(services, uow_factory, clock):
    owner = await owner_with_org(services)
    issued = await services.invites.create(owner, Role.WORKER, uses=1, days=1)
    assert len(issued.token) <= 64
    worker = await onboard(services, profile("Ivan"))
    joined = await services.invites.accept(worker, issued.token)
    assert isinstance(joined, Joined) and joined.role is Role.WORKER
    assert joined.inviter.id == owner.user.id
    latecomer = await onboard(services, profile("Petr"))
    with pytest.raises(DomainError) as used:
        await services.invites.accept(latecomer, issued.token)
    assert used.value.code == "invite_used_up"
    second = await services.invites.create(owner, Role.WORKER)
    clock.advance(days=8)
    with pytest.raises(DomainError) as expired:
        await services.invites.accept(latecomer, second.token)
    assert expired.value.code == "invite_expired"
    third = await services.invites.create(owner, Role.WORKER)
    await services.invites.revoke(owner, third.invite.id)
    with pytest.raises(DomainError) as revoked:
        await services.invites.accept(latecomer, third.token)
    assert revoked.value.code == "invite_revoked"
    with pytest.raises(DomainError) as forged:
        await services.invites.accept(latecomer, "i_" + "A" * 32)
    assert forged.value.code == "invite_invalid"
    assert await _count(uow_factory, MembershipRow) == 2


async def test_workers_and_managers_cannot_invite_managers(services):
    owner = await owner_with_org(services)
    manager = await onboard(services, profile("Mary"))
    await services.invites.accept(
        manager, (await services.invites.create(owner, Role.MANAGER)).token
    )
    manager = await services.users.identify(profile_of(manager))
    with pytest.raises(DomainError):
        await services.invites.create(manager, Role.MANAGER)
    worker_token = (await services.invites.create(manager, Role.WORKER)).token
    worker = await onboard(services, profile("Ivan"))
    await services.invites.accept(worker, worker_token)
    worker = await services.users.identify(profile_of(worker))
    with pytest.raises(DomainError) as refused:
        await services.invites.create(worker, Role.WORKER)
    assert refused.value.code == "forbidden"


def profile_of(actor):
    from core.domain import TelegramProfile

    u = actor.user
    return TelegramProfile(
        u.telegram_id, u.first_name, u.last_name, u.username, u.telegram_language
    )


async def test_team_rules(services, clock):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=2)).token
    worker = await onboard(services, profile("Ivan"))
    await services.invites.accept(worker, token)
    team = await services.team.team(owner)
    worker_membership = next(v.membership for v in team if v.user.id == worker.user.id)
    owner_membership = next(v.membership for v in team if v.user.id == owner.user.id)
    with pytest.raises(DomainError) as last:
        await services.team.change_role(owner, owner_membership.id, Role.MANAGER)
    assert last.value.code == "last_owner"
    with pytest.raises(DomainError):
        await services.team.set_active(owner, owner_membership.id, False)
    change = await services.team.set_active(owner, worker_membership.id, False)
    assert change.role_changed and not change.member.membership.active
    worker = await services.users.identify(profile_of(worker))
    assert worker.role is None
    again = await services.team.set_active(owner, worker_membership.id, False)
    assert not again.role_changed
    await services.team.set_active(owner, worker_membership.id, True)
    worker = await services.users.identify(profile_of(worker))
    assert worker.role is Role.WORKER


async def test_a_person_in_two_organizations_switches(services):
    first = await owner_with_org(services, "First")
    other_owner = await owner_with_org(services, "Second")
    token = (await services.invites.create(other_owner, Role.MANAGER)).token
    joined = await services.invites.accept(first, token)
    assert joined.organization.name == "Second"
    me = await services.users.identify(profile_of(first))
    assert me.organization.name == "Second" and me.role is Role.MANAGER
    choices = await services.team.organizations(me)
    assert [c.organization.name for c in choices] == ["First", "Second"]
    await services.team.switch(me, choices[0].organization.id)
    me = await services.users.identify(profile_of(first))
    assert me.organization.name == "First" and me.role is Role.OWNER


async def test_expiry_is_exact(services, clock):
    owner = await owner_with_org(services)
    issued = await services.invites.create(owner, Role.WORKER, days=1)
    assert issued.invite.expires_at == clock.now() + timedelta(days=1)


@pytest.mark.parametrize(
    ("language", "first"), [("en", "Cleaning"), ("ru", "Уборка")], ids=["en", "ru"]
)
async def test_starting_categories_follow_the_owners_language(services, language, first):
    person = profile("Owner", language_code=language)
    actor = await onboard(services, person, language=language)
    chat = person.telegram_id
    for given in (DialogInput(text="Firm"), DialogInput(choice="Europe/Moscow")):
        await services.dialogs.answer(actor, chat, given)
    created = await services.dialogs.answer(actor, chat, DialogInput(choice="RUB"))
    assert isinstance(created, OrganizationCreated)
    assert created.categories[0] == first
