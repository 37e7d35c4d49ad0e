"""The statements a job claim and an idle runner's look send, built once per set of kinds.

Due jobs are found one kind at a time, each kind a short walk down the partial index of
pending jobs by (kind, run_at) (migration 0014), and the earliest of those taken: a runner of
uploads is never walked past the digests queued before its upload. On PostgreSQL the kinds
are one array, unnested and joined LATERAL to each kind's walk, so the statement is planned
once for any number of kinds (16 branches of a UNION took ~0.6 ms to plan, on every claim);
SQLite, which has no LATERAL, gets a UNION ALL of one subquery per kind. Abandoned jobs come
from the partial index of the few running ones. docs/job_queue.md has the plans and numbers.

A partial index serves only a query whose status condition the planner can see matches it
(also in a prepared statement's generic plan), so the statuses are written into the SQL,
never bound. The statements are built once per set of kinds and reused with new values:
building a 16-kind statement and its cache key took more CPU than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from core.domain import JobStatus
from storage.runtime.liveness import HOLDER_GONE
from storage.tables import JobRow

_job = JobRow.__table__
_c = _job.c


def status_is(status: JobStatus) -> Any:
    """`job.status = '<status>'` with the value in the SQL: what the partial indexes name."""
    return _c.status == literal_column(f"'{status.value}'")


def _moment(name: str) -> Any:
    return bindparam(name, type_=_c.run_at.type)


def _limit() -> Any:
    return bindparam("claim_limit", type_=Integer())


def claim_values(worker_id: str, lease_end: datetime, now: datetime, limit: int) -> dict[str, Any]:
    """The values of a claim statement's parameters."""
    return {"claimer": worker_id, "lease_end": lease_end, "claim_now": now, "claim_limit": limit}


def kinds_key(kinds: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(set(kinds)))


def _oldest(where: Any) -> Any:
    chosen = select(_c.id, _c.run_at).where(where).order_by(_c.run_at).limit(_limit())
    return chosen.with_for_update(skip_locked=True)


def _claim(chosen: Any) -> Any:
    return (
        update(_job)
        .where(_c.id.in_(chosen))
        .values(
            status=JobStatus.RUNNING.value,
            attempts=_c.attempts + 1,
            locked_by=bindparam("claimer", type_=String()),
            locked_until=_moment("lease_end"),
            updated_at=_moment("claim_now"),
        )
        .returning(*_c)
    )


@lru_cache(maxsize=64)
def abandoned_claim(kinds: tuple[str, ...], liveness: bool) -> Any:
    """Running jobs whose holder let the lease lapse or, with liveness marks, died (its mark
    is gone: storage/runtime/liveness.py), earliest first."""
    lapsed = _c.locked_until < _moment("claim_now")
    gone = or_(lapsed, HOLDER_GONE) if liveness else lapsed
    where = and_(status_is(JobStatus.RUNNING), gone, _c.kind.in_(kinds))
    chosen = select(_c.id).where(where).order_by(_c.run_at).limit(_limit())
    return _claim(chosen.with_for_update(skip_locked=True))


@lru_cache(maxsize=64)
def due_claim(kinds: tuple[str, ...], postgresql: bool) -> Any:
    """The `claim_limit` earliest due pending jobs of `kinds`: per kind, the first ones in the
    order of its part of the pending index, then the earliest of those. On PostgreSQL each
    kind's rows are locked as they are read, skipping rows another claimer holds; up to
    `claim_limit` of a kind more than are taken stay locked until the commit."""
    pending, now = status_is(JobStatus.PENDING), _moment("claim_now")
    if postgresql:
        asked_kinds = bindparam("kinds", list(kinds), type_=ARRAY(String()))
        asked = func.unnest(asked_kinds).table_valued("kind").render_derived(name="asked")
        merged = _oldest(and_(pending, _c.kind == asked.c.kind, _c.run_at <= now))
        merged = merged.lateral("earliest")
        chosen = select(merged.c.id).select_from(asked).join(merged, true())
    else:
        per_kind = (_oldest(and_(pending, _c.kind == kind, _c.run_at <= now)) for kind in kinds)
        branches = [select(*query.subquery().c) for query in per_kind]
        merged = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()
        chosen = select(merged.c.id)
    return _claim(chosen.order_by(merged.c.run_at).limit(_limit()))


@lru_cache(maxsize=64)
def next_due_query(kinds: tuple[str, ...]) -> Any:
    """One row: each kind's earliest pending run_at (the first entry of its part of the
    pending index), then the earliest lease end among the running jobs of `kinds`."""
    firsts = [
        select(func.min(_c.run_at)).where(status_is(JobStatus.PENDING), _c.kind == kind)
        for kind in kinds
    ]
    leased = select(func.min(_c.locked_until)).where(
        status_is(JobStatus.RUNNING), _c.kind.in_(kinds)
    )
    return select(*(query.scalar_subquery() for query in (*firsts, leased)))
