"""client objection to automated processing

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07

A client's objection to automated processing (privacy policy section 6, issue 25 item 5): since
when; while set their calls are neither transcribed nor summarised (docs/data-rights.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa

import storage.types
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("client", sa.Column("objected_at", storage.types.UtcDateTime(timezone=True)))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would break client_fts_source.
    op.drop_column("client", "objected_at")
