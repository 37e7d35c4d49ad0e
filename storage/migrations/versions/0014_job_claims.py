"""job_claims: job claims served per kind by partial indexes of pending and running jobs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

A claim walked the (status, run_at) index through every due job of every kind: a runner of
uploads passed each queued digest due before its upload (27 ms a claim with 100,000 queued
on PostgreSQL). Claims now walk each asked kind's pending jobs in run_at order, and the few
running ones for abandoned jobs; both indexes hold only those rows, not the finished jobs kept
until retention. The (status, run_at) index has no reader left and goes. docs/job_queue.md.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _where(condition: str) -> dict[str, sa.TextClause]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def upgrade() -> None:
    # Plain index statements (no batch mode): SQLite creates and drops indexes in place.
    pending, running = _where("status = 'pending'"), _where("status = 'running'")
    op.create_index("ix_job_pending_kind_run_at", "job", ["kind", "run_at"], **pending)
    op.create_index("ix_job_running_kind_lease", "job", ["kind", "locked_until"], **running)
    op.drop_index("ix_job_status_run_at", table_name="job")


def downgrade() -> None:
    op.create_index("ix_job_status_run_at", "job", ["status", "run_at"], unique=False)
    op.drop_index("ix_job_running_kind_lease", table_name="job")
    op.drop_index("ix_job_pending_kind_run_at", table_name="job")
