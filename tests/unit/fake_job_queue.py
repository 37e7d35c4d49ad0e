"""The JobQueue port in memory, with the SQL queue's leases, fencing and statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from core.domain import Job, JobStatus

LEASE = timedelta(minutes=5)


@dataclass
class Row:
    job: Job
    status: str = JobStatus.PENDING.value
    run_at: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    max_attempts: int = 8
    locked_by: str | None = None
    locked_until: datetime | None = None
    last_error: str | None = None


@dataclass
class FakeQueue:
    """The JobQueue port in memory: leases, fencing and statuses as in SqlJobQueue."""

    rows: dict[int, Row] = field(default_factory=dict)
    extended: list[int] = field(default_factory=list)
    fail_claims: int = 0
    batches: list[int] = field(default_factory=list)  # the limit of every claim_many

    def add(self, kind: str, run_at: datetime, max_attempts: int = 8, **payload: object) -> int:
        job_id = len(self.rows) + 1
        job = Job(job_id, kind, dict(payload), 0)
        self.rows[job_id] = Row(job, run_at=run_at, max_attempts=max_attempts)
        return job_id

    async def claim(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime
    ) -> Job | None:
        if self.fail_claims:
            self.fail_claims -= 1
            raise ConnectionError("database went away, password=hunter2")
        due = [r for r in self.rows.values() if r.job.kind in kinds and self._claimable(r, now)]
        if not due:
            return None
        row = min(due, key=lambda r: (r.run_at, r.job.id))
        row.status, row.locked_by, row.locked_until = "running", worker_id, now + lease
        extra = {"max_attempts": row.max_attempts, "locked_by": worker_id}
        row.job = replace(row.job, attempts=row.job.attempts + 1, extra=extra)
        return row.job

    async def claim_many(
        self, worker_id: str, kinds: Sequence[str], lease: timedelta, now: datetime, limit: int
    ) -> list[Job]:
        self.batches.append(limit)
        jobs: list[Job] = []
        while len(jobs) < limit and (job := await self.claim(worker_id, kinds, lease, now)):
            jobs.append(job)
        return jobs

    @staticmethod
    def _claimable(row: Row, now: datetime) -> bool:
        if row.status == "pending":
            return row.run_at <= now
        return row.status == "running" and row.locked_until is not None and row.locked_until < now

    def _held(self, job: Job) -> Row | None:
        row = self.rows[job.id]
        holder = (row.status, row.locked_by, row.job.attempts)
        return row if holder == ("running", job.extra.get("locked_by"), job.attempts) else None

    async def complete(self, job: Job, now: datetime) -> bool:
        return self._release(job, "done")

    async def retry(self, job: Job, error: str, run_at: datetime, now: datetime) -> bool:
        return self._release(job, "pending", error, run_at)

    async def bury(self, job: Job, error: str, now: datetime) -> bool:
        return self._release(job, "dead", error)

    def _release(
        self, job: Job, status: str, error: str | None = None, run_at: datetime | None = None
    ) -> bool:
        row = self._held(job)
        if row is None:
            return False
        row.status, row.locked_by, row.locked_until = status, None, None
        row.last_error = error or row.last_error
        row.run_at = run_at or row.run_at
        return True

    async def extend(self, job: Job, lease: timedelta, now: datetime) -> bool:
        if row := self._held(job):
            row.locked_until = now + lease
            self.extended.append(job.id)
        return row is not None

    async def next_due(self, kinds: Sequence[str]) -> datetime | None:
        moments = [
            r.run_at if r.status == "pending" else r.locked_until
            for r in self.rows.values()
            if r.job.kind in kinds and r.status in ("pending", "running")
        ]
        found = [m for m in moments if m is not None]
        return min(found) if found else None

    async def counts(self) -> dict[str, int]:
        statuses = [r.status for r in self.rows.values()]
        return {s.value: statuses.count(s.value) for s in JobStatus}
