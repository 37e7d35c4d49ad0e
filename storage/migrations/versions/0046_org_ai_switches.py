"""the organization's switches for each AI provider

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07

An owner switches off each AI step for the organization separately (privacy policy section 6,
objection; issue 25 item 5): speech recognition (SaluteSpeech), AI summaries (OpenRouter) and
reading forwarded requests (YandexGPT). All on, as before, until an owner turns one off; while
off the step is skipped and the person is told so (docs/data-rights.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWITCHES = ("ai_speech", "ai_summaries", "ai_inbox")


def upgrade() -> None:
    for name in SWITCHES:
        column = sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true())
        op.add_column("organization", column)


def downgrade() -> None:
    for name in reversed(SWITCHES):
        op.drop_column("organization", name)
