"""attachment file bot

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07

A Telegram file id is valid only for the bot that received or sent it (issue 23,
docs/own-bot.md, Files): `attachment.telegram_file_bot` is the number of the bot whose id
`telegram_file_id` is (0, the shared bot, for every file kept before own bots).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(
            sa.Column("telegram_file_bot", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.drop_column("telegram_file_bot")
