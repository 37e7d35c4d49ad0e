"""The scheduler loop and its leader election: one process ticks at a time on PostgreSQL, and
another takes over when the leader's connection dies."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bot.scheduler import Leadership, Scheduler
from core.clock import FixedClock
from core.orders.service import OrderDraft
from storage.db import create_engine, session_factory
from storage.tables import JobRow
from storage.uow import SqlUnitOfWork
from tests.support import owner_with_org, services_for


class Ticks:
    def __init__(self, result: int = 0) -> None:
        self.calls = 0
        self.result = result

    async def __call__(self) -> int:
        self.calls += 1
        return self.result


@pytest.fixture
async def engines(db_url):
    made = [create_engine(db_url) for _ in range(3)]
    yield made
    for engine in made:
        await engine.dispose()


async def test_sqlite_always_leads(engines, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    first, second = Leadership(engines[0]), Leadership(engines[1])
    assert await first.acquire() and await second.acquire()


async def _backend_pid(leadership: Leadership) -> int:
    connection = leadership._connection
    assert connection is not None
    return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar())


async def test_one_leader_and_a_takeover_when_its_connection_dies(engines, db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    first, second = Leadership(engines[0]), Leadership(engines[1])
    assert await first.acquire()
    assert not await second.acquire()
    assert await first.acquire(), "the leader keeps leading"
    ticks_first, ticks_second = Ticks(), Ticks()
    one, two = Scheduler(ticks_first, first), Scheduler(ticks_second, second)
    await one.run_once()
    await two.run_once()
    assert (ticks_first.calls, ticks_second.calls) == (1, 0)
    pid = await _backend_pid(first)
    async with engines[2].connect() as admin:  # the leader's process dies
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await admin.commit()
    await asyncio.sleep(0.2)
    await two.run_once()
    assert ticks_second.calls == 1 and second.leading
    await one.run_once()  # the old leader notices and does not tick
    assert ticks_first.calls == 1 and not first.leading
    await second.release()
    assert await first.acquire(), "a released lock is free at once"
    await first.release()


async def test_the_loop_ticks_every_interval_wakes_runners_and_releases(engines):
    leadership = Leadership(engines[0])
    ticks, woken = Ticks(result=2), []
    scheduler = Scheduler(ticks, leadership, interval=0.05, on_enqueued=lambda: woken.append(1))
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.3)
    stop.set()
    await task
    assert ticks.calls >= 3 and len(woken) == ticks.calls
    assert leadership._connection is None


async def test_apscheduler_runs_the_tick_and_the_daily_jobs_with_stated_settings(engines):
    ran = []

    async def retention() -> None:
        ran.append("retention")

    scheduler = Scheduler(Ticks(result=0), Leadership(engines[0]), 30, daily=[retention])
    built = scheduler._build()
    built.start(paused=True)
    tick, daily = built.get_job("tick"), built.get_job("daily-0")
    built.shutdown(wait=False)
    assert tick.trigger.interval.total_seconds() == 30 and tick.misfire_grace_time == 30
    assert str(daily.trigger) == "cron[hour='3', minute='0']" and daily.misfire_grace_time == 3600
    assert tick.coalesce and daily.coalesce and tick.max_instances == daily.max_instances == 1
    await scheduler._run_daily(retention)  # what the cron trigger calls, while leading
    assert ran == ["retention"]
    await scheduler.leadership.release()


async def test_a_failing_tick_does_not_stop_the_loop(engines):
    async def broken() -> int:
        raise RuntimeError("database is down")

    scheduler = Scheduler(broken, Leadership(engines[0]), interval=0.01)
    assert await scheduler.run_once() == 0
    assert await scheduler.run_once() == 0
    await scheduler.leadership.release()


async def test_two_scheduler_loops_on_one_database_send_each_digest_once(db_url, engines):
    clock = FixedClock(datetime(2026, 11, 27, 9, tzinfo=UTC))
    processes = [
        services_for(lambda e=e: SqlUnitOfWork(session_factory(e), clock), clock)
        for e in engines[:2]
    ]
    owners = [await owner_with_org(processes[0], f"Org {i}") for i in range(3)]
    for owner in owners:
        await processes[0].orders.create(owner, OrderDraft(None, price_minor=1000))
    clock.set(datetime(2026, 11, 27, 17, tzinfo=UTC))  # 20:00 in Moscow
    loops = [
        Scheduler(p.notifications.tick, Leadership(e), interval=0.02)
        for p, e in zip(processes, engines, strict=False)
    ]
    job = JobRow.__table__
    stmt = (
        select(job.c.dedup_key, func.count())
        .where(job.c.kind == "digest")
        .group_by(job.c.dedup_key)
    )

    async def counts() -> dict[str, int]:
        async with engines[2].connect() as connection:
            return {key: n for key, n in (await connection.execute(stmt)).all()}

    stop = asyncio.Event()
    tasks = [asyncio.create_task(s.run(stop)) for s in loops]
    # Until all three are enqueued (however slow the machine), then many more ticks of both
    # loops: none may enqueue a digest again.
    for _ in range(600):
        if len(await counts()) == 3:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*tasks)
    found = await counts()
    assert len(found) == 3 and set(found.values()) == {1}, found
