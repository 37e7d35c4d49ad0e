"""client e-mail address

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

A client card may hold one e-mail address (issue 19): confirmations reach a client who is not
linked in Telegram by e-mail when SMS cannot take them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "client", sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
    )


def downgrade() -> None:
    # Native on both databases (SQLite since 3.35): Alembic's batch mode would copy the table
    # and rename it, which SQLite refuses while the client search view refers to `client`.
    op.execute("ALTER TABLE client DROP COLUMN email")
