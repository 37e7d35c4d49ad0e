"""bot chat

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07

Who has a chat with which organization's own bot (issue 23, docs/own-bot.md, Routing): a bot
may write only to a person who started it, so a client's messages go through the
organization's own bot once the client has written to it, and through the shared bot before.
A row goes with its person (erasure deletes it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0052"
down_revision: str | None = "0051"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bot_chat",
        sa.Column("bot", sa.Integer(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("started_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_bot_chat_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bot", "user_id", name=op.f("pk_bot_chat")),
    )
    op.create_index(op.f("ix_bot_chat_user_id"), "bot_chat", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bot_chat_user_id"), table_name="bot_chat")
    op.drop_table("bot_chat")
