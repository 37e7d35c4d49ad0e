"""orders: when an order was settled, and each organization's grace period for contacts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10

`work_order.settled_at`: when the order was done and paid in full (or had no price), or
cancelled. Its assignee keeps the client's phone and address until then, and for
`organization.contact_grace_hours` (24 by default) after it. Existing orders are backfilled
from `cancelled_at` and `done_at`.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import storage.types
from alembic import op


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organization",
        sa.Column("contact_grace_hours", sa.Integer(), nullable=False, server_default="24"),
    )
    op.add_column(
        "work_order",
        sa.Column("settled_at", storage.types.UtcDateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE work_order SET settled_at = cancelled_at "
        "WHERE status = 'cancelled' AND cancelled_at IS NOT NULL"
    )
    op.execute(
        "UPDATE work_order SET settled_at = done_at WHERE status = 'done' "
        "AND done_at IS NOT NULL AND (price_minor IS NULL OR paid_minor >= price_minor)"
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `organization` would drop
    # the table every other one points at.
    op.drop_column("work_order", "settled_at")
    op.drop_column("organization", "contact_grace_hours")
