"""Durable background jobs: the queue port, retry backoff and the runner that works the queue.

Every slow or external step (uploads, speech recognition, AI summaries, digests, exports,
purges) is a row enqueued in the same transaction as the data it works on. A runner claims
one due job at a time under a lease, runs its handler and records the outcome. A process that
dies mid-job leaves its lease to expire, and any runner then claims the job again, so handlers
must be idempotent: a job may run more than once, but is only ever completed once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from core.domain import Job
from core.errors import ExternalServiceError
from core.ports import Clock

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job], Awaitable[None]]
DeadLetterHook = Callable[[Job, str], Awaitable[None]]

DEFAULT_MAX_ATTEMPTS = 8
# A claim found past its limit was taken by processes that died (or hung) every time.
LEASE_EXHAUSTED = "LeaseExpired: the job outlived its lease on its last attempt"


class PermanentJobError(Exception):
    """The job can never succeed (bad input, a deleted record): bury it without retrying.

    `code` is stored and shown to managers, so it must be a stable code, never personal data.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class JobQueue(Protocol):
    """Where jobs wait. Every call is its own short transaction.

    A claimed job is fenced by (worker id, attempt number): `complete`, `retry`, `bury` and
    `extend` change it only while the caller still holds it, and return False when its lease
    expired and another worker claimed it since.
    """

    async def claim(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime
    ) -> Job | None:
        """The earliest due pending job, or a running one whose lease expired, of one of
        `kinds`; it becomes running, held by `worker_id` until `now + lease`, attempts + 1."""
        ...

    async def complete(self, job: Job, now: datetime) -> bool: ...
    async def retry(self, job: Job, error: str, run_at: datetime, now: datetime) -> bool: ...
    async def bury(self, job: Job, error: str, now: datetime) -> bool:
        """Move the job to the dead-letter state; it is never claimed again."""
        ...

    async def extend(self, job: Job, lease: timedelta, now: datetime) -> bool:
        """Heartbeat: hold the job until `now + lease`."""
        ...

    async def counts(self) -> dict[str, int]:
        """How many jobs are in each status (every JobStatus is present), for monitoring."""
        ...


def backoff(
    attempt: int, base: float = 5.0, cap: float = 3600.0, rng: random.Random | None = None
) -> timedelta:
    """The wait before retrying after `attempt` failed tries: exponential with full jitter.

    Full jitter (uniform between zero and the exponential ceiling) spreads the retries of jobs
    that failed together, such as after an outage, instead of sending them back in a herd.
    """
    exponent = min(max(attempt, 1) - 1, 64)  # past 2**64 the cap has long won
    ceiling = min(cap, base * 2.0**exponent)
    return timedelta(seconds=(rng or random).uniform(0.0, ceiling))


def is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, PermanentJobError):
        return True
    return isinstance(exc, ExternalServiceError) and not exc.retryable


def describe(exc: BaseException) -> str:
    """What a failure stores and reports: the type and our own codes, never the message,
    which may quote a client's name, phone or words."""
    name = type(exc).__name__
    if isinstance(exc, PermanentJobError):
        return f"{name}: {exc.code}"
    if isinstance(exc, ExternalServiceError):
        return f"{name}: {exc.service}"
    return name


def _where(exc: BaseException) -> str:
    """The file and line that raised, to find the bug without logging the message."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def max_attempts_of(job: Job, default: int) -> int:
    """The job's own limit when the queue supplied it (the SQL queue always does)."""
    value = job.extra.get("max_attempts")
    return value if isinstance(value, int) else default


def default_worker_id() -> str:
    """Unique per process, and readable in the job table: host, process id, a random tag."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{random.randrange(16**6):06x}"


class JobRunner:
    """Claims and runs jobs of the kinds it has handlers for, one at a time.

    Run several runners (in one process or many) to work the queue in parallel. Cancelling a
    runner mid-job behaves like a killed process: the job keeps its lease until it expires.
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
        rng: random.Random | None = None,
        retry_base: float = 5.0,
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
        self._rng = rng
        self._retry_base = retry_base
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Look for work now instead of at the next poll (call from the runner's loop)."""
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set: drain the due jobs, then wait for a poll or a wake.

        A job in progress when `stop` is set is finished first.
        """
        while not stop.is_set():
            # Cleared before looking, so a wake() during the look is not lost.
            self._woken.clear()
            if await self._run_once_safely():
                await asyncio.sleep(0)  # let other tasks in while there is a backlog
                continue
            await self._idle(stop)

    async def run_once(self) -> bool:
        """Claim one due job and run it; False when there was nothing to do."""
        now = self._clock.now()
        job = await self._queue.claim(self.worker_id, self._kinds, self._lease, now)
        if job is None:
            return False
        if job.attempts > max_attempts_of(job, self._max_attempts):
            await self._dead(job, LEASE_EXHAUSTED)
            return True
        await self._execute(job)
        return True

    async def _run_once_safely(self) -> bool:
        try:
            return await self.run_once()
        except Exception as exc:  # noqa: BLE001 - the loop must outlive a database outage
            logger.error(
                "job runner %s: %s at %s", self.worker_id, type(exc).__name__, _where(exc)
            )
            return False

    async def _idle(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._woken.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

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
            _where(exc),
        )
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
