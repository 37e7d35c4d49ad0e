"""The job queue on the `job` table, shared safely by any number of worker processes.

A claim is one statement, `UPDATE job ... WHERE id = (SELECT id ... LIMIT 1) RETURNING ...`.
On PostgreSQL the subquery takes the row `FOR UPDATE SKIP LOCKED`, so concurrent claimers
each pass over rows another is taking instead of waiting for it or taking it too. SQLite has
one writer at a time (every transaction is BEGIN IMMEDIATE), so the same statement is safe
there without the clause, which SQLAlchemy leaves out for it.

Each claim increments `attempts`, and the pair (locked_by, attempts) fences the holder: a
worker whose lease expired and was taken over can no longer complete, retry or bury the job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.domain import Job, JobStatus
from storage.tables import JobRow

ERROR_MAX = 500

_job = JobRow.__table__
_c = _job.c


def _claimable(kinds: Sequence[str], now: datetime) -> Any:
    """Due pending jobs, and running ones whose holder let the lease lapse (it died)."""
    due = and_(_c.status == JobStatus.PENDING.value, _c.run_at <= now)
    abandoned = and_(_c.status == JobStatus.RUNNING.value, _c.locked_until < now)
    return and_(_c.kind.in_(list(kinds)), or_(due, abandoned))


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
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime
    ) -> Job | None:
        if not kinds:
            return None
        chosen = (
            select(_c.id)
            .where(_claimable(kinds, now))
            .order_by(_c.run_at, _c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            update(_job)
            .where(_c.id == chosen)
            .values(
                status=JobStatus.RUNNING.value,
                attempts=_c.attempts + 1,
                locked_by=worker_id,
                locked_until=now + lease,
                updated_at=now,
            )
            .returning(*_c)
        )
        async with self._sessions.begin() as session:
            row = (await session.execute(stmt)).one_or_none()
        return None if row is None else _to_job(row)

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
