"""dialog state bot

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-08

A conversation is held with one bot (issue 23, docs/own-bot.md, Conversations per bot): a
person may be in a dialog with the shared bot and in another with their organization's own
bot at once, in chats that both have the person's id. `dialog_state.bot` is the number of the
bot the conversation is held in (0, the shared bot, for every state kept before), and the
state is unique per bot, chat and person.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0053"
down_revision: str | None = "0052"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dialog_state") as batch:
        batch.add_column(sa.Column("bot", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_dialog_state_chat_id", type_="unique")
        batch.create_unique_constraint("uq_dialog_state_bot", ["bot", "chat_id", "user_id"])


def downgrade() -> None:
    # Only the shared bot's conversations fit the old key.
    op.execute("DELETE FROM dialog_state WHERE bot <> 0")
    with op.batch_alter_table("dialog_state") as batch:
        batch.drop_constraint("uq_dialog_state_bot", type_="unique")
        batch.create_unique_constraint("uq_dialog_state_chat_id", ["chat_id", "user_id"])
        batch.drop_column("bot")
