"""admin session origin: browser, address, last seen, device

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07

Issue 25 item 12: a browser session keeps where it came from (the User-Agent, capped; the
client's address), when it was last seen (written at most once a minute) and its browser's
device id, hashed, to tell a browser the person has used before from a new one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_seen_at", storage.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("user_agent", STR(length=400), nullable=True))
        batch_op.add_column(sa.Column("ip", STR(length=45), nullable=True))
        batch_op.add_column(sa.Column("device_hash", STR(length=64), nullable=True))
        batch_op.create_index(
            "ix_admin_session_user_device", ["user_id", "device_hash"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.drop_index("ix_admin_session_user_device")
        batch_op.drop_column("device_hash")
        batch_op.drop_column("ip")
        batch_op.drop_column("user_agent")
        batch_op.drop_column("last_seen_at")
