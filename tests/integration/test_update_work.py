"""One update, one transaction: use cases join the update's unit of work, the update commits
once with its ledger record and its messages, and the outbox hands a dead holder's messages
to another process. On both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from core.errors import DomainError, DuplicateUpdate
from core.runtime.binding import Binder
from core.runtime.outbox import After, Delivery, Lane, Method, Sent
from storage.db import create_engine, session_factory
from storage.update_work import UpdateWork
from tests.support import owner_with_org, profile, services_for

LEASE = timedelta(seconds=60)


@pytest.fixture
async def sessions(db_url):
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


def _reply(chat: int, text: str) -> Delivery:
    return Delivery(chat, Method.SEND, {"text": text})


async def test_use_cases_of_an_update_commit_once_with_the_ledger_and_the_messages(
    sessions, uow_factory, clock
):
    services = services_for(uow_factory, clock)
    binder = Binder(services)
    transactions: list[str] = []
    engine = sessions.kw["bind"]
    event.listen(engine.sync_engine, "commit", lambda _c: transactions.append("commit"))
    person = profile()
    async with UpdateWork(sessions, clock, update_id=501) as work:
        bound = binder.bind(work.units)
        actor = await bound.users.identify(person)  # writes the new person (joined)
        await bound.users.set_language(actor, "en")  # a second use case, same transaction
        assert transactions == [], "nothing committed before the update ends"
        stored = await work.finish([_reply(person.telegram_id, "ok")], "host:1:t:outbox", LEASE)
    assert transactions == ["commit"]
    assert stored is not None and [s.delivery.params for s in stored] == [{"text": "ok"}]
    async with uow_factory() as uow:
        assert await uow.updates.seen(501)
        user = await uow.users.by_telegram_id(person.telegram_id)
        assert user is not None and user.language == "en"


async def test_an_update_that_changed_nothing_commits_nothing(sessions, uow_factory, clock):
    services = services_for(uow_factory, clock)
    actor = await owner_with_org(services)
    binder = Binder(services)
    async with UpdateWork(sessions, clock, update_id=502) as work:
        bound = binder.bind(work.units)
        assert await bound.users.get(actor.user.id) is not None
        assert await work.finish([_reply(1, "read only")], "host:1:t:outbox", LEASE) is None
    async with uow_factory() as uow:
        assert not await uow.updates.seen(502)


async def test_a_use_case_failing_after_writing_rolls_the_update_back(
    sessions, uow_factory, clock
):
    services = services_for(uow_factory, clock)
    binder = Binder(services)
    person, other = profile(), profile()
    async with UpdateWork(sessions, clock, update_id=503) as work:
        bound = binder.bind(work.units)
        await bound.users.identify(person)
        with pytest.raises(DomainError):
            async with work.units() as uow:
                await uow.users.add(other, clock.now())
                raise DomainError("not_found")
        assert work.undone == 1
        # The answer to the failure is still committed, with the ledger record.
        async with work.units() as uow:
            await uow.users.add(profile(), clock.now())
            await uow.commit()
        assert await work.finish([_reply(1, "sorry")], "host:1:t:outbox", LEASE) is not None
    async with uow_factory() as uow:
        assert await uow.users.by_telegram_id(person.telegram_id) is None
        assert await uow.users.by_telegram_id(other.telegram_id) is None
        assert await uow.updates.seen(503)


async def test_a_use_case_failing_without_writing_keeps_the_update(sessions, uow_factory, clock):
    services = services_for(uow_factory, clock)
    binder = Binder(services)
    person = profile()
    async with UpdateWork(sessions, clock, update_id=504) as work:
        bound = binder.bind(work.units)
        await bound.users.identify(person)
        with pytest.raises(DomainError):
            await bound.users.set_language(await bound.users.identify(person), "xx")
        assert work.undone == 0
        await work.finish([], "host:1:t:outbox", LEASE)
    async with uow_factory() as uow:
        assert await uow.users.by_telegram_id(person.telegram_id) is not None


async def test_a_redelivered_update_commits_nothing_and_sends_nothing(
    sessions, uow_factory, clock
):
    for attempt in range(2):
        async with UpdateWork(sessions, clock, update_id=505) as work:
            async with work.units() as uow:
                await uow.users.add(profile(), clock.now())
                await uow.commit()
            if attempt == 0:
                await work.finish([_reply(7, "first")], "host:1:t:outbox", LEASE)
                continue
            with pytest.raises(DuplicateUpdate):
                await work.finish([_reply(7, "second")], "host:1:t:outbox", LEASE)
    async with UpdateWork(sessions, clock, update_id=None) as work:
        later = clock.now() + LEASE * 2
        taken = await work.uow.outbox.take_over("host:2:t:outbox", later, LEASE, 10, False)
    assert [s.delivery.params["text"] for s in taken] == ["first"]


async def test_a_dead_holders_messages_are_taken_over_in_order_and_marked_once(sessions, clock):
    deliveries = [
        Delivery(9, Method.SEND, {"text": "one"}, after=After.CARD, after_args={"order_id": 3}),
        Delivery(9, Method.EDIT, {"text": "two", "message_id": 5}, lane=Lane.BROADCAST),
    ]
    async with UpdateWork(sessions, clock, update_id=506) as work:
        async with work.units() as uow:
            await uow.users.add(profile(), clock.now())
            await uow.commit()
        stored = await work.finish(deliveries, "host:1:t:outbox", LEASE)
    assert stored is not None
    async with UpdateWork(sessions, clock, update_id=None) as work:
        # The holder's lease has not lapsed (and on SQLite there is no liveness mark).
        early = await work.uow.outbox.take_over("host:2:t:outbox", clock.now(), LEASE, 10, False)
        assert early == []
        taken = await work.uow.outbox.take_over(
            "host:2:t:outbox", clock.now() + LEASE * 2, LEASE, 10, False
        )
        await work.commit()
    assert [s.delivery for s in taken] == deliveries
    async with UpdateWork(sessions, clock, update_id=None) as work:
        await work.uow.outbox.mark([Sent(taken[0].id, 42), Sent(taken[1].id, None)])
        await work.commit()
    async with UpdateWork(sessions, clock, update_id=None) as work:
        later = clock.now() + LEASE * 10
        assert await work.uow.outbox.take_over("host:3:t:outbox", later, LEASE, 10, False) == []


async def test_on_postgresql_a_holder_without_a_liveness_mark_is_taken_over_at_once(
    sessions, clock, db_url
):
    if not db_url.startswith("postgresql"):
        pytest.skip("liveness marks are PostgreSQL advisory locks")
    async with UpdateWork(sessions, clock, update_id=507) as work:
        async with work.units() as uow:
            await uow.users.add(profile(), clock.now())
            await uow.commit()
        await work.finish([_reply(3, "left behind")], "deadhost:1:t:outbox", LEASE)
    async with UpdateWork(sessions, clock, update_id=None) as work:
        taken = await work.uow.outbox.take_over("host:2:t:outbox", clock.now(), LEASE, 10, True)
        await work.commit()
    assert [s.delivery.params["text"] for s in taken] == ["left behind"]


def test_binding_copies_only_what_holds_a_factory_and_leaves_the_original(uow_factory, clock):
    services = services_for(uow_factory, clock)
    binder = Binder(services)
    marker = object()

    def factory():
        return marker

    bound = binder.bind(factory)  # type: ignore[arg-type]
    assert bound.orders is not services.orders
    assert bound.orders._uow() is marker and services.orders._uow is uow_factory
    assert bound.voice._orders is bound.orders, "a held service is the bound copy"
    assert bound.updates is services.updates, "the ledger is shared by every update"
    assert bound.clock is services.clock
    assert binder.bind(factory).orders is not bound.orders


async def test_an_update_that_fails_before_it_commits_leaves_nothing_to_send(sessions, clock):
    with pytest.raises(RuntimeError):
        async with UpdateWork(sessions, clock, update_id=508) as work:
            async with work.units() as uow:
                await uow.users.add(profile(), clock.now())
                await uow.commit()
            raise RuntimeError("killed before the end of the update")
    async with UpdateWork(sessions, clock, update_id=None) as work:
        later = clock.now() + LEASE * 10
        assert await work.uow.outbox.take_over("host:2:t:outbox", later, LEASE, 10, False) == []
        assert not await work.uow.updates.seen(508)
