"""a person's own profile corrections

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07

A staff member corrects their own profile (privacy policy section 6, issue 25 item 6): the phone
they give (E.164), and since when the name is the one they typed rather than Telegram's (a name
set by hand is no longer refreshed from the Telegram profile; docs/data-rights.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("phone", sqlmodel.AutoString(length=32)))
    op.add_column(
        "app_user", sa.Column("name_set_at", storage.types.UtcDateTime(timezone=True))
    )


def downgrade() -> None:
    op.drop_column("app_user", "name_set_at")
    op.drop_column("app_user", "phone")
