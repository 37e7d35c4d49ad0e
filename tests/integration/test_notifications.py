"""The scheduler's service on both databases: digests with the right numbers, plans, reminders,
overdue alerts and plan updates, each exactly once across restarts and concurrent schedulers."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from core.clock import FixedClock
from core.domain import Role
from core.notifications import work_notices
from core.notifications.digest import DigestMessage
from core.notifications.rules import PlanItem
from core.notifications.service import NotificationService
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.db import create_engine, session_factory
from storage.tables import JobRow, SentNotificationRow
from storage.uow import SqlUnitOfWork
from tests.support import onboard, owner_with_org, profile, services_for

MORNING = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def at_moscow(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime(2026, 11, 27, 0, minute, tzinfo=UTC) + timedelta(days=days, hours=hour - 3)


class Db:
    """A database with its engine exposed, to count statements and to act as a second process."""

    def __init__(self, url: str, clock) -> None:
        self.engine = create_engine(url)
        self.statements: list[str] = []
        sessions = session_factory(self.engine)
        self.uow = lambda: SqlUnitOfWork(sessions, clock)

        @event.listens_for(self.engine.sync_engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, *_args):
            self.statements.append(statement)

    async def jobs(self, kind: str | None = None) -> list:
        table = JobRow.__table__
        stmt = select(table).order_by(table.c.id)
        if kind:
            stmt = stmt.where(table.c.kind == kind)
        async with self.engine.connect() as connection:
            return list((await connection.execute(stmt)).all())


@pytest.fixture
def clock():
    return FixedClock(MORNING)


@pytest.fixture
async def db(db_url, clock):
    database = Db(db_url, clock)
    yield database
    await database.engine.dispose()


@pytest.fixture
def services(db, clock):
    return services_for(db.uow, clock)


async def _worker(services, owner, name="Иван"):
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = profile(name)
    actor = await onboard(services, person)
    await services.invites.accept(actor, token)
    return await services.users.identify(person)


async def _order(services, owner, at, worker=None, price=350000):
    client = await services.clients.create(owner, "Пётр Сидоров", None, "Москва, Тверская, 1")
    draft = OrderDraft(
        client.id, address="Москва, Тверская, 1", price_minor=price, scheduled_at=at
    )
    order = await services.orders.create(owner, draft)
    if worker is not None:
        await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    return order


async def _a_day(services, owner, worker):
    """Done and paid by 12:00, one unassigned at 15:00, one cancelled, one for tomorrow."""
    done = await _order(services, owner, at_moscow(12), worker)
    late = await _order(services, owner, at_moscow(15), price=200000)
    cancelled = await _order(services, owner, at_moscow(16))
    await services.orders.act(owner, cancelled.id, OrderAction.CANCEL)
    await _order(services, owner, at_moscow(11, days=1), worker)
    await services.orders.act(worker, done.id, OrderAction.START)
    await services.orders.act(worker, done.id, OrderAction.DONE)
    await services.orders.act(worker, done.id, OrderAction.PAY, amount_minor=350000, method="cash")
    return done, late, cancelled


async def test_digest_at_20_moscow_once_with_the_right_numbers(services, db, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    _, late, cancelled = await _a_day(services, owner, worker)
    clock.set(at_moscow(19, 59))
    await services.notifications.tick()
    assert await db.jobs("digest") == []
    clock.set(at_moscow(20))
    await services.notifications.tick()
    [job] = await db.jobs("digest")
    assert job.dedup_key == f"digest:day:{owner.organization.id}:{owner.user.id}:2026-11-27"
    assert job.payload["user_id"] == owner.user.id
    digest = DigestMessage.from_data(job.payload["digest"]).digest
    assert (digest.created.now, digest.done.now, digest.cancelled.now) == (4, 1, 1)
    assert digest.revenue_by_method == {"cash": 350000}
    assert digest.done_by_worker == {worker.user.id: 1}
    assert [r.id for r in digest.exceptions["overdue"]] == [late.id]
    assert [r.id for r in digest.exceptions["unassigned"]] == [late.id]
    assert [r.id for r in digest.exceptions["cancelled"]] == [cancelled.id]
    assert DigestMessage.from_data(job.payload["digest"]).workers == {worker.user.id: "Иван"}
    # the same tick again, a restarted process, and an hour later: nothing more
    assert await services.notifications.tick() == 0
    assert await NotificationService(db.uow, clock).tick() == 0
    clock.advance(hours=1)
    assert await NotificationService(db.uow, clock).tick() == 0
    assert len(await db.jobs("digest")) == 1


async def test_two_schedulers_at_once_enqueue_each_message_once(services, db, db_url, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    await _a_day(services, owner, worker)
    before = {j.id for j in await db.jobs()}  # the day's own (the done order's rating)
    clock.set(at_moscow(20))
    other = Db(db_url, clock)
    try:
        counts = await asyncio.gather(
            NotificationService(db.uow, clock).tick(), NotificationService(other.uow, clock).tick()
        )
    finally:
        await other.engine.dispose()
    jobs = [j for j in await db.jobs() if j.id not in before]
    keys = [j.dedup_key for j in jobs]
    assert len(keys) == len(set(keys)) == sum(counts) >= 2  # the digest and the overdue alert
    async with db.uow() as uow:
        rows = (
            await uow._session.execute(select(func.count()).select_from(SentNotificationRow))
        ).scalar()
    assert rows >= len(keys)


async def test_plan_at_8_reminder_30_minutes_before_and_overdue_once(services, db, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    clock.set(at_moscow(7))
    first = await _order(services, owner, at_moscow(10), worker)
    await _order(services, owner, at_moscow(9), worker)
    await services.notifications.tick()
    assert await db.jobs("plan") == []
    clock.set(at_moscow(8))
    await services.notifications.tick()
    [plan] = await db.jobs("plan")
    items = [PlanItem.from_data(i) for i in plan.payload["items"]]
    assert [i.scheduled_at for i in items] == [at_moscow(9), at_moscow(10)]
    assert items[0].address == "Москва, Тверская, 1" and items[0].client == "Пётр Сидоров"
    clock.set(at_moscow(8, 29))
    await services.notifications.tick()
    assert await db.jobs("reminder") == []
    clock.set(at_moscow(8, 30))
    await services.notifications.tick()
    [reminder] = await db.jobs("reminder")  # 30 minutes before the 9:00 one
    assert PlanItem.from_data(reminder.payload["item"]).scheduled_at == at_moscow(9)
    clock.set(at_moscow(9, 31))
    await services.notifications.tick()
    assert len(await db.jobs("reminder")) == 2  # and now the 10:00 one
    clock.set(at_moscow(9, 45))  # the 9:00 order is not started: the owner hears once
    await services.notifications.tick()
    await services.notifications.tick()
    [alert] = await db.jobs("overdue")
    assert alert.payload["user_id"] == owner.user.id
    await services.orders.act(worker, first.id, OrderAction.START)
    clock.set(at_moscow(10, 30))
    await NotificationService(db.uow, clock).tick()
    assert len(await db.jobs("overdue")) == 1 and len(await db.jobs("reminder")) == 2


async def test_a_missed_reminder_is_not_sent_after_the_job_began(services, db, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    clock.set(at_moscow(7))
    await _order(services, owner, at_moscow(9), worker)
    clock.set(at_moscow(9, 5))  # the scheduler was down from 8:25 to 9:05
    await services.notifications.tick()
    assert await db.jobs("reminder") == []
    assert len(await db.jobs("plan")) == 1  # the morning plan, late, is still sent


async def test_quiet_hours_hold_the_digest_until_they_end(services, db, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    await _a_day(services, owner, worker)
    await services.notifications.change_preference(owner, "quiet")  # 22:00 to 08:00
    await services.notifications.change_preference(owner, "digest_at")  # 21:00
    await services.notifications.change_preference(owner, "digest_at")  # 22:00
    clock.set(at_moscow(22, 30))
    await services.notifications.tick()
    assert await db.jobs("digest") == []
    assert len(await db.jobs("overdue")) == 1  # urgent: sent in quiet hours
    clock.set(at_moscow(7, 59, days=1))
    await services.notifications.tick()
    assert await db.jobs("digest") == []
    clock.set(at_moscow(8, days=1))
    await services.notifications.tick()
    [job] = await db.jobs("digest")
    assert job.dedup_key.endswith("2026-11-27")


async def test_a_change_to_a_planned_order_sends_the_day_again_once(services, db, clock):
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    clock.set(at_moscow(7))
    order = await _order(services, owner, at_moscow(14), worker)
    clock.set(at_moscow(8))
    await services.notifications.tick()
    clock.set(at_moscow(9))
    await services.notifications.tick()
    assert await db.jobs("plan_update") == []
    await services.orders.act(owner, order.id, OrderAction.CANCEL)
    clock.set(at_moscow(9, 1))
    await services.notifications.tick()
    await NotificationService(db.uow, clock).tick()
    [update] = await db.jobs("plan_update")
    assert update.payload["user_id"] == worker.user.id and update.payload["items"] == []


async def test_facts_for_many_organizations_take_a_few_statements(services, db, clock):
    owners = [await owner_with_org(services, f"Org {i}") for i in range(12)]
    for owner in owners:
        await _order(services, owner, at_moscow(12))
    ids = {o.organization.id for o in owners}
    start, end = at_moscow(0), at_moscow(20)
    db.statements.clear()
    async with db.uow() as uow:
        numbers = await uow.digests.numbers(ids, start, end)
        problems = await uow.digests.exceptions(ids, start, end, at_moscow(20), 10)
    assert len([s for s in db.statements if s.lstrip().upper().startswith("SELECT")]) == 4
    assert all(numbers[i].created == 1 for i in ids)
    assert all(len(problems[i].lists["unassigned"]) == 1 for i in ids)


async def test_a_tick_costs_the_same_statements_for_3_or_12_organizations(services, db, clock):
    async def statements_of_a_tick(count):
        owners = [await owner_with_org(services, f"Org {i}") for i in range(count)]
        for owner in owners:
            await _order(services, owner, at_moscow(12))
        clock.set(at_moscow(20))
        db.statements.clear()
        await NotificationService(db.uow, clock).tick()
        return len(db.statements), len(await db.jobs("digest"))

    few, digests = await statements_of_a_tick(3)
    assert digests == 3
    clock.set(MORNING + timedelta(days=1))
    more, digests = await statements_of_a_tick(12)
    assert more == few and digests == 3 + 12


async def test_one_kind_failing_holds_up_no_other(services, db, clock, monkeypatch):
    async def broken(uow, now, known):
        raise RuntimeError("a bug in plans")

    monkeypatch.setattr(work_notices, "plans", broken)
    owner = await owner_with_org(services)
    worker = await _worker(services, owner)
    await _a_day(services, owner, worker)
    clock.set(at_moscow(20))
    assert await services.notifications.tick() == 2  # the digest and the overdue alert


async def _member(services, owner, role: Role, name: str):
    token = (await services.invites.create(owner, role)).token
    person = profile(name)
    await services.invites.accept(await onboard(services, person), token)
    return await services.users.identify(person)


async def test_an_offer_nobody_took_alerts_the_owner_and_managers_once(services, db, clock):
    owner = await owner_with_org(services)
    manager = await _member(services, owner, Role.MANAGER, "Мария")
    worker = await _member(services, owner, Role.WORKER, "Иван")
    clock.set(at_moscow(9))
    nobody = await _order(services, owner, at_moscow(15))
    taken = await _order(services, owner, at_moscow(16))
    for order in (nobody, taken):
        await services.orders.act(manager, order.id, OrderAction.OFFER)
    await services.orders.act(worker, taken.id, OrderAction.TAKE)
    clock.set(at_moscow(9, 14))
    await services.notifications.tick()
    assert await db.jobs("untaken") == []  # not yet: a quarter of an hour to take it
    clock.set(at_moscow(9, 15))
    await services.notifications.tick()
    await NotificationService(db.uow, clock).tick()  # a second scheduler, a restart
    clock.set(at_moscow(9, 40))
    await services.notifications.tick()
    alerts = await db.jobs("untaken")
    assert sorted(a.payload["user_id"] for a in alerts) == sorted(
        [owner.user.id, manager.user.id]
    )  # the manager who offered it too: the scheduler, not she, raises it
    assert {a.payload["item"]["order_id"] for a in alerts} == {nobody.id}  # not the taken one
    assert worker.user.id not in {a.payload["user_id"] for a in alerts}


async def test_an_offer_due_sooner_alerts_at_the_start(services, db, clock):
    owner = await owner_with_org(services)
    clock.set(at_moscow(9))
    soon = await _order(services, owner, at_moscow(9, 5))
    await services.orders.act(owner, soon.id, OrderAction.OFFER)
    clock.set(at_moscow(9, 4))
    await services.notifications.tick()
    assert await db.jobs("untaken") == []
    clock.set(at_moscow(9, 5))
    await services.notifications.tick()
    [alert] = await db.jobs("untaken")
    assert alert.payload["user_id"] == owner.user.id
