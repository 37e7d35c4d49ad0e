"""update_inbox: updates stored before Telegram is told they arrived

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Long polling confirms a batch with the next getUpdates; a process killed in between lost the
batch. Each batch is now written here first and each update deleted in the transaction that
records it in `processed_update`; a restart applies what is left.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import storage.types
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )


def downgrade() -> None:
    op.drop_table("update_inbox")
