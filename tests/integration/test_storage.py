"""Unit of work, update ledger, optimistic dialog state and migrations, on both databases."""

import asyncio

import pytest

from core.dialogs.data import NewOrgData
from core.dialogs.engine import DialogState
from core.domain import Role
from core.errors import ConcurrencyConflict, DuplicateUpdate
from storage import migrate
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.support import onboard, owner_with_org, profile, services_for


async def test_leaving_without_commit_rolls_back(uow_factory, clock):
    person = profile()
    async with uow_factory() as uow:
        await uow.users.add(person, clock.now())
    async with uow_factory() as uow:
        assert await uow.users.by_telegram_id(person.telegram_id) is None


async def test_an_update_is_claimed_once_with_its_business_data(uow_factory, clock, db_url):
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    person = profile()
    async with SqlUnitOfWork(sessions, clock, update_id=77) as uow:
        await uow.users.add(person, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.updates.seen(77)
    other = profile()
    with pytest.raises(DuplicateUpdate):
        async with SqlUnitOfWork(sessions, clock, update_id=77) as uow:
            await uow.users.add(other, clock.now())
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.by_telegram_id(other.telegram_id) is None, "redelivery applied"
    await engine.dispose()


async def test_a_unit_of_work_without_an_update_claims_nothing(uow_factory, clock):
    async with uow_factory() as uow:
        await uow.users.add(profile(), clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.updates.seen(5)


async def test_dialog_state_refuses_a_stale_write(uow_factory, clock):
    async with uow_factory() as uow:
        user = await uow.users.add(profile(), clock.now())
        await uow.dialogs.save(1, user.id, DialogState("name", NewOrgData()), clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        read = await uow.dialogs.get(1, user.id)
    assert read is not None and read.version == 1
    async with uow_factory() as uow:
        await uow.dialogs.save(
            1, user.id, DialogState("timezone", NewOrgData(name="Чистый дом"), 1), clock.now()
        )
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.dialogs.save(
                1, user.id, DialogState("currency", NewOrgData(), 1), clock.now()
            )


async def test_dialog_state_is_kept_per_bot_of_the_update(uow_factory, clock, db_url):
    """The same chat and person, a conversation with the shared bot (updates of bot 0, or no
    update) and one with own bot 3 (update keys 3 << 40 | id): each its own."""
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    own_update = (3 << 40) | 10
    async with uow_factory() as uow:
        user = await uow.users.add(profile(), clock.now())
        await uow.dialogs.save(5, user.id, DialogState("name", NewOrgData()), clock.now())
        await uow.commit()
    async with SqlUnitOfWork(sessions, clock, update_id=own_update) as uow:
        assert uow.bot == 3 and await uow.dialogs.get(5, user.id) is None
        state = DialogState("timezone", NewOrgData(name="Свой бот"))
        await uow.dialogs.save(5, user.id, state, clock.now())  # a fresh flow: bot 3's only
        await uow.commit()
    async with SqlUnitOfWork(sessions, clock, update_id=11) as uow:
        shared = await uow.dialogs.get(5, user.id)
        assert shared is not None and shared.step == "name"
        await uow.dialogs.clear(5, user.id)
        await uow.commit()
    async with SqlUnitOfWork(sessions, clock, update_id=own_update + 1) as uow:
        own = await uow.dialogs.get(5, user.id)
    assert own is not None and own.step == "timezone" and own.data.name == "Свой бот"
    await engine.dispose()


async def test_concurrent_joins_cannot_exceed_the_use_limit(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=1)).token
    people = [await onboard(services, profile(f"W{i}")) for i in range(4)]
    results = await asyncio.gather(
        *(services.invites.accept(p, token) for p in people), return_exceptions=True
    )
    assert sum(1 for r in results if not isinstance(r, BaseException)) == 1
    team = await services.team.team(owner)
    assert len(team) == 2


async def test_schema_matches_models_after_upgrade(db_url):
    migrate.upgrade(db_url)
    assert migrate.check(db_url) is None
