"""recurring series of orders

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

A series repeats an order by an RRULE over the organization's wall clock (issue 20, items 1
and 2; docs/recurring.md): `order_series` holds the rule (local time, no zone or offset), the
assignee and price its visits take, and its state; a visit is an ordinary `work_order` with
`series_id` and its occurrence's local date-time, unique per series.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def _fk(
    table: str, column: str, target: str, ondelete: str = "CASCADE"
) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "order_series",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("template_order_id", sa.BigInteger(), nullable=True),
        sa.Column("freq", STR(length=8), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("weekdays", STR(length=7), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("local_time", STR(length=5), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("state", STR(length=8), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("order_series", "organization_id", "organization.id"),
        _fk("order_series", "client_id", "client.id"),
        _fk("order_series", "assignee_id", "app_user.id", "SET NULL"),
        _fk("order_series", "created_by", "app_user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_series")),
    )
    op.create_index("ix_order_series_state_id", "order_series", ["state", "id"])
    op.create_index(
        op.f("ix_order_series_client_id"), "order_series", ["client_id"], unique=False
    )
    with op.batch_alter_table("work_order") as batch:
        batch.add_column(sa.Column("series_id", ID, nullable=True))
        batch.add_column(sa.Column("occurrence", STR(length=16), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_work_order_series_id_order_series"),
            "order_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        "ux_work_order_series_occurrence", "work_order", ["series_id", "occurrence"], unique=True
    )
    op.create_index("ix_work_order_series", "work_order", ["series_id", "scheduled_at"])


def downgrade() -> None:
    op.drop_index("ix_work_order_series", table_name="work_order")
    op.drop_index("ux_work_order_series_occurrence", table_name="work_order")
    with op.batch_alter_table("work_order") as batch:
        batch.drop_constraint("fk_work_order_series_id_order_series", type_="foreignkey")
        batch.drop_column("occurrence")
        batch.drop_column("series_id")
    op.drop_index(op.f("ix_order_series_client_id"), table_name="order_series")
    op.drop_index("ix_order_series_state_id", table_name="order_series")
    op.drop_table("order_series")
