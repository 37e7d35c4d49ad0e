"""The scheduler: every interval, if this process leads, enqueue what is due (APScheduler).

One process leads at a time. On PostgreSQL the leader holds a session-level advisory lock on a
dedicated connection for as long as it runs; when the process dies its connection closes, the
server releases the lock, and another process takes over at its next attempt, within one
interval. SQLite serves one bot process, so there the process always leads. Exactly-once does
not rest on the lock (the sent-key ledger already makes a second scheduler harmless); the lock
saves the duplicated work. Used by the bot process and by a dedicated worker process alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LOCK_KEY = 7_310_312_010_297_001  # this application's scheduler, among advisory locks


class Leadership:
    """Whether this process runs the scheduler now (always, on SQLite)."""

    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    @property
    def exclusive(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    @property
    def leading(self) -> bool:
        return not self.exclusive or self._connection is not None

    async def acquire(self) -> bool:
        """Keep the lock if still held, else try to take it (never waits for it)."""
        if not self.exclusive:
            return True
        if self._connection is not None:
            if await self._alive(self._connection):
                return True
            log.warning("scheduler lock connection lost; trying to lead again")
            await self._discard()
        connection = await self._engine.connect()
        try:
            query = text("SELECT pg_try_advisory_lock(:key)")
            taken = bool((await connection.execute(query, {"key": self._key})).scalar())
            await connection.commit()  # the lock belongs to the session, not the transaction
        except Exception:
            await connection.invalidate()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("this process now runs the scheduler")
        return True

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            await connection.commit()
            await connection.close()
        except Exception as exc:  # noqa: BLE001 - closing the session releases the lock anyway
            log.warning("scheduler lock release failed: %s", type(exc).__name__)
            await connection.invalidate()

    async def _alive(self, connection: AsyncConnection) -> bool:
        try:
            await connection.execute(text("SELECT 1"))
            await connection.commit()
        except Exception as exc:  # noqa: BLE001 - any failure means the session (and lock) is gone
            log.warning("scheduler lock check failed: %s", type(exc).__name__)
            return False
        return True

    async def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.invalidate()
            except Exception as exc:  # noqa: BLE001 - it is already broken
                log.info("scheduler lock connection dropped: %s", type(exc).__name__)


class Scheduler:
    """APScheduler's asyncio scheduler runs `tick` every `interval` seconds while this process
    leads, and the `daily` jobs (retention) once a day; `on_enqueued` wakes the job runners
    when the tick enqueued something.

    Triggers: the tick on an interval trigger, the first run one interval after start (so a
    process that starts and stops at once, as tests and restarts do, sends nothing by itself);
    daily jobs on a cron trigger at 03:00 UTC. Every job has `coalesce=True` (runs missed
    while the loop was busy or the machine slept collapse into one), `max_instances=1` (a slow
    tick is never overlapped by the next) and a misfire grace of one interval (the tick) or
    one hour (daily jobs); a later run catches up anyway, because what is due is read from the
    database, not from the trigger. Exactly-once rests on the sent-key ledger and the jobs'
    dedup keys, leadership on the advisory lock: the scheduler only decides when to look.
    """

    def __init__(
        self,
        tick: Callable[[], Awaitable[int]],
        leadership: Leadership,
        interval: float = 30.0,
        on_enqueued: Callable[[], None] | None = None,
        daily: Sequence[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        self._tick = tick
        self.leadership = leadership
        self._interval = interval
        self._on_enqueued = on_enqueued
        self._daily = list(daily)

    def _build(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1}
        )
        first = datetime.now(UTC) + timedelta(seconds=self._interval)
        interval = IntervalTrigger(seconds=self._interval, start_date=first, timezone=UTC)
        grace = max(1, int(self._interval))
        scheduler.add_job(self.run_once, interval, id="tick", misfire_grace_time=grace)
        for number, job in enumerate(self._daily):
            daily = CronTrigger(hour=3, minute=0, timezone=UTC)
            scheduler.add_job(
                self._run_daily, daily, args=[job], id=f"daily-{number}", misfire_grace_time=3600
            )
        return scheduler

    async def run(self, stop: asyncio.Event) -> None:
        """Run the triggers until `stop`."""
        scheduler = self._build()
        scheduler.start()
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await self.leadership.release()

    async def run_once(self) -> int:
        """One attempt: lead (or keep leading), tick, wake the runners; never raises."""
        try:
            if not await self.leadership.acquire():
                return 0
            enqueued = await self._tick()
        except Exception as exc:  # noqa: BLE001 - the loop must outlive a database outage
            log.error("scheduler tick failed: %s", type(exc).__name__)
            return 0
        if enqueued and self._on_enqueued is not None:
            self._on_enqueued()
        return enqueued

    async def _run_daily(self, job: Callable[[], Awaitable[None]]) -> None:
        try:
            if await self.leadership.acquire():
                await job()
        except Exception as exc:  # noqa: BLE001 - tomorrow's run tries again
            log.error("daily job failed: %s", type(exc).__name__)
