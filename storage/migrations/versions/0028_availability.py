"""workers' availability

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

A member's own weekly hours (none: the organization's working hours) and their absences: a
vacation or day off, a sick day (issue 20, item 11; docs/availability.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "worker_hours",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("start", STR(length=5), nullable=False),
        sa.Column("end", STR(length=5), nullable=False),
        sa.Column("days", STR(length=7), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("worker_hours", "organization_id", "organization.id"),
        _fk("worker_hours", "user_id", "app_user.id"),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name=op.f("pk_worker_hours")),
    )
    op.create_table(
        "worker_absence",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", STR(length=16), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("worker_absence", "organization_id", "organization.id"),
        _fk("worker_absence", "user_id", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_absence")),
    )
    op.create_index(
        "ix_worker_absence_org_days",
        "worker_absence",
        ["organization_id", "last_day", "first_day"],
    )


def downgrade() -> None:
    op.drop_index("ix_worker_absence_org_days", table_name="worker_absence")
    op.drop_table("worker_absence")
    op.drop_table("worker_hours")
