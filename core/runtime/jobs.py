"""Durable background jobs: the runner that works the queue (the queue's port and the wake-up
signal are in core/runtime/job_queue.py, re-exported here).

Every slow or external step (uploads, speech recognition, AI summaries, digests, exports,
purges) is a row enqueued in the same transaction as the data it works on. A runner claims
due jobs under a lease (one at a time, or a batch of them when it runs several at once), runs
their handlers and records each outcome. A process that dies mid-job leaves its lease to
expire, and any runner then claims the job again, so handlers must be idempotent: a job may
run more than once, but is only ever completed once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from core.domain import Job
from core.ports import Clock
from core.runtime.job_failures import PermanentJobError, backoff, describe, is_permanent, where
from core.runtime.job_queue import JobQueue as JobQueue
from core.runtime.job_queue import JobSignal as JobSignal

__all__ = [
    "DeadLetterHook",
    "JobHandler",
    "JobQueue",
    "JobRunner",
    "PermanentJobError",
    "backoff",
    "default_worker_id",
    "describe",
    "is_permanent",
]

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job], Awaitable[None]]
DeadLetterHook = Callable[[Job, str], Awaitable[None]]

DEFAULT_MAX_ATTEMPTS = 8
# A claim found past its limit was taken by processes that died (or hung) every time.
LEASE_EXHAUSTED = "LeaseExpired: the job outlived its lease on its last attempt"


def max_attempts_of(job: Job, default: int) -> int:
    """The job's own limit when the queue supplied it (the SQL queue always does)."""
    value = job.extra.get("max_attempts")
    return value if isinstance(value, int) else default


def default_worker_id() -> str:
    """Unique per process, and readable in the job table: host, process id, a random tag."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{random.randrange(16**6):06x}"


class JobRunner:
    """Claims and runs jobs of the kinds it has handlers for, up to `concurrency` at a time.

    One slot (the default) runs one job after another. More slots suit jobs that mostly wait,
    such as messages queued behind Telegram's rate limiter: the runner keeps that many in
    flight, claiming a batch in one transaction whenever a quarter of its slots are free, so
    the limiter always has the next message waiting. Run several runners (in one process or
    many) to work the queue in parallel. Cancelling a runner mid-job behaves like a killed
    process: its jobs keep their leases until they expire.
    """

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        clock: Clock,
        worker_id: str,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        lease: timedelta = timedelta(minutes=5),
        poll_interval: timedelta = timedelta(seconds=5),
        on_dead: DeadLetterHook | None = None,
        on_failure: Callable[[Job], None] | None = None,
        rng: random.Random | None = None,
        retry_base: float = 5.0,
        concurrency: int = 1,
    ) -> None:
        self._queue = queue
        self._handlers = dict(handlers)
        self._kinds = sorted(self._handlers)
        self._clock = clock
        self.worker_id = worker_id
        self._max_attempts = max_attempts
        self._lease = lease
        self._poll = poll_interval.total_seconds()
        self._on_dead = on_dead
        self._on_failure = on_failure
        self._rng = rng
        self._retry_base = retry_base
        self._woken = asyncio.Event()
        self.concurrency = max(1, concurrency)
        self._refill = max(1, self.concurrency // 4)  # free slots worth a claim
        self._running: set[asyncio.Task[None]] = set()

    @property
    def kinds(self) -> list[str]:
        """The job kinds this runner claims."""
        return list(self._kinds)

    def wake(self) -> None:
        """Look for work now instead of at the next poll (call from the runner's loop)."""
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set: keep the slots filled with due jobs; when none is due (or
        no slot is free), wait for a poll, a wake or a job to finish.

        Jobs in progress when `stop` is set are finished first.
        """
        try:
            while not stop.is_set():
                # Cleared before looking, so a wake() during the look is not lost.
                self._woken.clear()
                if await self._fill_safely():
                    await asyncio.sleep(0)  # let other tasks in while there is a backlog
                    continue
                await self._idle(stop)
            await asyncio.gather(*self._running, return_exceptions=True)
        finally:
            await self._abandon()

    async def run_once(self) -> bool:
        """Claim one due job and run it; False when there was nothing to do."""
        now = self._clock.now()
        job = await self._queue.claim(self.worker_id, self._kinds, self._lease, now)
        if job is None:
            return False
        await self._work(job)
        return True

    async def _fill_safely(self) -> bool:
        """Claim jobs for the free slots and start them; True when every slot asked for got
        one (more may be due), False when the queue ran dry, the slots are busy or it failed."""
        free = self.concurrency - len(self._running)
        if free < self._refill and self._running:
            return False
        try:
            now = self._clock.now()
            jobs = await self._queue.claim_many(
                self.worker_id, self._kinds, self._lease, now, free
            )
        except Exception as exc:  # noqa: BLE001 - the loop must outlive a database outage
            logger.error("job runner %s: %s at %s", self.worker_id, type(exc).__name__, where(exc))
            return False
        for job in jobs:
            task = asyncio.create_task(self._work_safely(job))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(jobs) == free

    async def _work(self, job: Job) -> None:
        if job.attempts > max_attempts_of(job, self._max_attempts):
            await self._dead(job, LEASE_EXHAUSTED)
            return
        await self._execute(job)

    async def _work_safely(self, job: Job) -> None:
        try:
            await self._work(job)
        except Exception as exc:  # noqa: BLE001 - recording the outcome failed (the database)
            logger.error("job %s (%s): %s at %s", job.id, job.kind, type(exc).__name__, where(exc))

    async def _idle(self, stop: asyncio.Event) -> None:
        """Sleep until the next job of these kinds comes due, a wake (a job was enqueued, in
        this process or, on PostgreSQL, any), a job in flight finishing or `stop`; at most the
        poll interval, the last resort for a missed wake."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._woken.wait())]
        try:
            timeout = await self._until_next_due()
            await asyncio.wait(
                [*waiters, *self._running], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    async def _until_next_due(self) -> float:
        if self._running:  # a slot frees when one finishes: the wait ends then anyway
            return self._poll
        try:
            due = await self._queue.next_due(self._kinds)
        except Exception as exc:  # noqa: BLE001 - a database outage: look again after a poll
            logger.warning("job runner %s: %s", self.worker_id, type(exc).__name__)
            return self._poll
        if due is None:
            return self._poll
        seconds = (due - self._clock.now()).total_seconds()
        return min(self._poll, max(seconds, 0.0))

    async def _abandon(self) -> None:
        """Cancelled: stop the jobs in flight as a killed process would; their leases expire."""
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _execute(self, job: Job) -> None:
        heartbeat = asyncio.ensure_future(self._heartbeat(job))
        try:
            await self._handlers[job.kind](job)
        except Exception as exc:  # noqa: BLE001 - any handler failure is a retry or a burial
            await self._failed(job, exc)
            return
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
        if not await self._queue.complete(job, self._clock.now()):
            logger.warning("job %s (%s) finished after losing its lease", job.id, job.kind)

    async def _heartbeat(self, job: Job) -> None:
        """Renew the lease while a long handler runs, so nobody else starts the same job."""
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                if not await self._queue.extend(job, self._lease, self._clock.now()):
                    return
            except Exception as exc:  # noqa: BLE001 - a missed beat is retried at the next
                logger.warning("job %s heartbeat failed: %s", job.id, type(exc).__name__)

    async def _failed(self, job: Job, exc: Exception) -> None:
        logger.warning(
            "job %s (%s) attempt %s failed: %s at %s",
            job.id,
            job.kind,
            job.attempts,
            type(exc).__name__,
            where(exc),
        )
        if self._on_failure is not None:
            self._on_failure(job)
        error = describe(exc)
        if is_permanent(exc) or job.attempts >= max_attempts_of(job, self._max_attempts):
            await self._dead(job, error)
            return
        now = self._clock.now()
        run_at = now + backoff(job.attempts, base=self._retry_base, rng=self._rng)
        if not await self._queue.retry(job, error, run_at, now):
            logger.warning("job %s (%s) failed after losing its lease", job.id, job.kind)

    async def _dead(self, job: Job, error: str) -> None:
        if not await self._queue.bury(job, error, self._clock.now()):
            logger.warning("job %s (%s) gave up after losing its lease", job.id, job.kind)
            return
        logger.error("job %s (%s) is dead after %s attempts", job.id, job.kind, job.attempts)
        if self._on_dead is None:
            return
        try:
            await self._on_dead(job, error)
        except Exception as exc:  # noqa: BLE001 - the job is buried whether the alert worked
            logger.error("job %s dead-letter alert failed: %s", job.id, type(exc).__name__)
