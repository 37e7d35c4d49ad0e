"""Where durable jobs wait: the queue's port (claims under a lease, fenced by worker and
attempt; completion, retry, the dead letter, heartbeats, counts) and the signal that wakes this
process's runners when a transaction that added jobs commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from core.domain import Job


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

    async def claim_many(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime, limit: int
    ) -> list[Job]:
        """Up to `limit` jobs claimed as `claim` claims one, in one transaction, earliest
        first; each is fenced on its own."""
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

    async def next_due(self, kinds: Sequence[str]) -> datetime | None:
        """When the next job of `kinds` becomes claimable: the earliest pending run_at or
        running lease end; None when there is none."""
        ...


class JobSignal:
    """Whom to wake when a transaction that added jobs commits (this process's runners)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def fire(self) -> None:
        for callback in list(self._listeners):
            callback()
