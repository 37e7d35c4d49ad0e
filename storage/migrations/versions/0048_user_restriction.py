"""a staff member's restriction of processing of their own data

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07

A person restricts processing of their own data from /privacy (privacy policy section 6, issue
25 item 4): since when; while set they get no messages but answers to what they do themselves
and the one confirming it, and their voice notes are neither transcribed nor summarised
(docs/data-rights.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0048"
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "app_user", sa.Column("restricted_at", storage.types.UtcDateTime(timezone=True))
    )


def downgrade() -> None:
    op.drop_column("app_user", "restricted_at")
