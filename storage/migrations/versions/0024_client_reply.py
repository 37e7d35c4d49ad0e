"""reply tokens of client e-mails

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07

The SHA-256 of the token in a client e-mail's Reply-To (`reply+<token>@<inbound domain>`),
on the message's log entry, unique; the entry's erasure takes the token with it (issue 19,
item 9: clients' answers by e-mail reach the staff).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "client_message",
        sa.Column("reply_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_index(
        op.f("ix_client_message_reply_hash"), "client_message", ["reply_hash"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_client_message_reply_hash"), table_name="client_message")
    op.drop_column("client_message", "reply_hash")
