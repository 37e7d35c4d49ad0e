"""The job queue on the `job` table, shared safely by any number of worker processes.

A claim is `UPDATE job ... WHERE id IN (SELECT id ... LIMIT n) RETURNING ...`, run for jobs
whose lease lapsed and then for due ones, in one transaction (the statements, and how they
use the partial indexes of pending and running jobs, are in storage/runtime/job_claims.py). On
PostgreSQL the subqueries take their rows `FOR UPDATE SKIP LOCKED`, so concurrent claimers
each pass over rows another is taking instead of waiting for them or taking them too. SQLite
has one writer at a time (every transaction is BEGIN IMMEDIATE), so the same statement is
safe there without the clause, which SQLAlchemy leaves out for it.

Each claim increments `attempts`, and the pair (locked_by, attempts) fences the holder: a
worker whose lease expired and was taken over can no longer complete, retry or bury the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.domain import Job, JobStatus
from storage.db import once_more_if_dropped
from storage.runtime.job_claims import (
    abandoned_claim,
    claim_values,
    due_claim,
    kinds_key,
    next_due_query,
    status_is,
)
from storage.runtime.notify import listen as listen_on
from storage.runtime.repository import JOBS_CHANNEL
from storage.tables import JobRow

log = logging.getLogger(__name__)

ERROR_MAX = 500

_job = JobRow.__table__
_c = _job.c
# A claim lost with the last moments of a crashed server is a job pending again, which is
# what a claimer's own death already means (and a server crash ends every liveness mark
# anyway): the claim need not wait for its commit to reach the disk.
_CLAIM_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


def _to_job(row: Any) -> Job:
    extra: dict[str, object] = {
        "max_attempts": row.max_attempts,
        "locked_by": row.locked_by,
        "locked_until": row.locked_until,
        "run_at": row.run_at,
    }
    return Job(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload),
        attempts=row.attempts,
        organization_id=row.organization_id,
        dedup_key=row.dedup_key,
        extra=extra,
    )


class SqlJobQueue:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], liveness: bool = False) -> None:
        """`liveness`: on PostgreSQL, every process running jobs holds a liveness mark (see
        storage/runtime/liveness.py), and a job whose holder's mark is gone is taken at once."""
        self._sessions = sessions
        self._liveness = liveness

    async def claim(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime
    ) -> Job | None:
        jobs = await self.claim_many(worker_id, kinds, lease, now, 1)
        return jobs[0] if jobs else None

    async def claim_many(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime, limit: int
    ) -> list[Job]:
        """Abandoned jobs first (they were due before anything pending now), then due ones.

        Two statements, each a short walk down an index: the few running jobs, then each
        kind's pending ones. One condition with OR matched every due row and sorted them all
        (~10 ms a claim with 10,000 queued); one walk down a (status, run_at) index for every
        kind passed every queued digest before an upload due after them (27 ms with 100,000).
        """
        if not kinds or limit < 1:
            return []
        claim = partial(self._claim_many, worker_id, kinds, lease, now, limit)
        return await once_more_if_dropped(claim, "job queue")

    async def _claim_many(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime, limit: int
    ) -> list[Job]:
        asked = kinds_key(kinds)
        async with self._sessions.begin() as session:
            postgresql = session.bind.dialect.name == "postgresql"
            gone = abandoned_claim(asked, self._liveness and postgresql)
            values = claim_values(worker_id, now + lease, now, limit)
            jobs = await self._take(session, gone, values)
            if len(jobs) < limit:
                values["claim_limit"] = limit - len(jobs)
                jobs += await self._take(session, due_claim(asked, postgresql), values)
            if jobs and postgresql:
                await session.execute(_CLAIM_COMMIT)
        return jobs

    @staticmethod
    async def _take(session: AsyncSession, stmt: Any, values: dict[str, Any]) -> list[Job]:
        rows = (await session.execute(stmt, values)).all()
        return sorted(map(_to_job, rows), key=lambda job: (job.extra["run_at"], job.id))

    async def complete(self, job: Job, now: datetime) -> bool:
        return await self._release(job, now, status=JobStatus.DONE.value)

    async def retry(self, job: Job, error: str, run_at: datetime, now: datetime) -> bool:
        return await self._release(
            job, now, status=JobStatus.PENDING.value, run_at=run_at, last_error=error[:ERROR_MAX]
        )

    async def bury(self, job: Job, error: str, now: datetime) -> bool:
        return await self._release(
            job, now, status=JobStatus.DEAD.value, last_error=error[:ERROR_MAX]
        )

    async def extend(self, job: Job, lease: timedelta, now: datetime) -> bool:
        return await self._change(job, locked_until=now + lease, updated_at=now)

    async def counts(self) -> dict[str, int]:
        stmt = select(_c.status, func.count()).group_by(_c.status)
        async with self._sessions.begin() as session:
            rows = (await session.execute(stmt)).all()
        found = {status: count for status, count in rows}
        return {status.value: found.get(status.value, 0) for status in JobStatus}

    async def next_due(self, kinds: Sequence[str]) -> datetime | None:
        """An idle runner's first statement, as a claim is: retried once when dropped."""
        return await once_more_if_dropped(partial(self._next_due, kinds), "job queue")

    async def _next_due(self, kinds: Sequence[str]) -> datetime | None:
        async with self._sessions.begin() as session:
            found = (await session.execute(next_due_query(kinds_key(kinds)))).one()
        moments = [m for m in found if m is not None]
        return min(moments) if moments else None

    async def waiting(self) -> dict[str, int]:
        """Queued jobs by kind (the /metrics gauge)."""
        stmt = select(_c.kind, func.count()).where(status_is(JobStatus.PENDING)).group_by(_c.kind)
        async with self._sessions.begin() as session:
            rows = (await session.execute(stmt)).all()
        return {kind: count for kind, count in rows}

    async def _release(self, job: Job, now: datetime, **values: Any) -> bool:
        return await self._change(job, locked_by=None, locked_until=None, updated_at=now, **values)

    async def _change(self, job: Job, **values: Any) -> bool:
        """Apply `values` only while the caller still holds this attempt of the job."""
        stmt = (
            update(_job)
            .where(
                _c.id == job.id,
                _c.status == JobStatus.RUNNING.value,
                _c.locked_by == job.extra.get("locked_by"),
                _c.attempts == job.attempts,
            )
            .values(**values)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return bool(result.rowcount)


async def listen_for_jobs(
    engine: AsyncEngine, on_jobs: Callable[[], None], stop: asyncio.Event
) -> None:
    """On PostgreSQL, call `on_jobs` whenever any process commits a transaction that added
    jobs (LISTEN on the channel the unit of work NOTIFYs), until `stop`; a dropped connection
    is opened again (and `on_jobs` called, for what was missed meanwhile). On SQLite one
    process serves, and its own unit of work wakes its runners."""
    await listen_on(engine, JOBS_CHANNEL, on_jobs, stop)
