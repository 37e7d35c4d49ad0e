"""a changed total the client declined

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

`work_order.approval_declined_at`: when the client declined the total waiting for their
approval (`approval_minor`, issue 20, item 4; docs/line-items.md). Cleared when the order's
lines change and a new total is asked. Nullable, nothing to rewrite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import storage.types
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    column = sa.Column("approval_declined_at", storage.types.UtcDateTime(timezone=True))
    op.add_column("work_order", column)


def downgrade() -> None:
    with op.batch_alter_table("work_order") as batch:
        batch.drop_column("approval_declined_at")
