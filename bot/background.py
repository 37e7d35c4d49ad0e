"""Background work in the bot's own process (or in `astracrm worker`): the durable job runners
and the scheduler that enqueues digests, plans, reminders and alerts when they are due.

The job handlers and the hook for a job that finally fails come from the one job registry
(bot/jobs.py). Scheduled messages have their own runner with several in flight
(DELIVERY_SLOTS), so their delivery keeps pace with the Bot API rate limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.backups import backup_schedule
from bot.container import Container
from bot.jobs import JobRegistry
from bot.scheduler import Leadership, Scheduler
from core.runtime.jobs import JobHandler, JobRunner, default_worker_id
from core.services import Services
from storage.db import session_factory
from storage.runtime.jobs import SqlJobQueue, listen_for_jobs
from storage.runtime.liveness import Liveness

log = logging.getLogger(__name__)

# Scheduled messages (digests, plans, reminders) run on a runner of their own, so a burst of
# thousands never holds up uploads or transcriptions, with this many in flight: enough that
# the rate limiter always has the next one waiting while others are claimed, rendered and
# completed, and no more than the HTTP pool serves without a long wait for a connection.
DELIVERY_SLOTS = 16


def scheduled_tick(services: Services) -> Callable[[], Awaitable[int]]:
    """The scheduler's look: staff notifications, then client reminders (each its own
    transactions; a failure of one does not hold up the other)."""

    async def tick() -> int:
        enqueued = 0
        for look in (services.notifications.tick, services.client_reminders.tick):
            try:
                enqueued += await look()
            except Exception as exc:  # noqa: BLE001 - logged; the next look tries again
                log.error("scheduled look failed: %s", type(exc).__name__)
        return enqueued

    return tick


class Background:
    def __init__(self, container: Container, jobs: JobRegistry, runners: int = 2) -> None:
        self._container = container
        self._jobs = jobs
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._queue = SqlJobQueue(session_factory(container.engine), liveness=True)
        others, messages = jobs.lane(deliveries=False), jobs.lane(deliveries=True)
        worker = default_worker_id()
        self.process_id = worker  # the liveness mark's holder
        self._liveness = Liveness(container.engine, worker)
        self.runners = [self._runner(others, f"{worker}:{i}") for i in range(runners)]
        self.runners.append(self._runner(messages, f"{worker}:send", DELIVERY_SLOTS))
        container.jobs_added.listen(self.wake)
        self.scheduler = Scheduler(
            scheduled_tick(container.services),
            Leadership(container.engine),
            container.settings.scheduler_seconds,
            on_enqueued=self.wake,
            daily=[
                container.services.erasure.schedule_retention,
                container.services.series.schedule_fill,  # recurring series' horizon
                *backup_schedule(container),  # BACKUP_DAILY
            ],
        )

    def _runner(self, handlers: dict[str, JobHandler], name: str, slots: int = 1) -> JobRunner:
        settings = self._container.settings
        return JobRunner(
            self._queue,
            handlers,
            self._container.services.clock,
            name,
            lease=timedelta(minutes=5),
            on_dead=self._jobs.on_dead,
            on_failure=lambda job: self._container.metrics.job_failed(job.kind),
            poll_interval=timedelta(seconds=settings.job_poll_seconds),
            retry_base=settings.job_retry_base_seconds,
            concurrency=slots,
        )

    def wake(self) -> None:
        for runner in self.runners:
            runner.wake()

    def start(self) -> None:
        self._stop.clear()
        self._tasks = [asyncio.create_task(self._run())]

    async def _run(self) -> None:
        """The liveness mark first (no claim before it: storage/runtime/liveness.py), then the
        runners, the scheduler and the job notifications until stop."""
        while not await self._hold_liveness():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=1.0)
            if self._stop.is_set():
                return
        try:
            engine = self._container.engine
            await asyncio.gather(
                *(runner.run(self._stop) for runner in self.runners),
                self.scheduler.run(self._stop),
                listen_for_jobs(engine, self.wake, self._stop),
            )
        finally:
            await self._liveness.release()

    async def _hold_liveness(self) -> bool:
        try:
            await self._liveness.hold()
        except Exception as exc:  # noqa: BLE001 - the database is away: try again shortly
            log.warning("liveness mark not taken: %s", type(exc).__name__)
            return False
        return True

    async def stop(self) -> None:
        self._stop.set()
        self.wake()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
