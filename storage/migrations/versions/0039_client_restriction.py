"""client restriction of processing

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07

Restriction of processing (privacy policy section 6, issue 25 item 4): when a manager marked a
client's data as restricted on the client's request, and the note of when and how it was asked.
While set the card is kept but not used (docs/data-rights.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa

import storage.types
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("client", sa.Column("restricted_at", TS, nullable=True))
    op.add_column("client", sa.Column("restriction_note", sa.Text(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `client` would break the
    # search view that reads it (client_fts_source).
    op.drop_column("client", "restriction_note")
    op.drop_column("client", "restricted_at")
