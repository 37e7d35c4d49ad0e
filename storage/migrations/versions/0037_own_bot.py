"""own bot

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07

An organization's own Telegram bot (issue 23, docs/own-bot.md): one per organization, a bot
in one organization only, its token encrypted; removed with the organization.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString
TABLE = "own_bot"


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{TABLE}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("username", STR(length=64), nullable=True),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("state", STR(length=16), nullable=False),
        sa.Column("serves_staff", sa.Boolean(), nullable=False),
        sa.Column("connected_by", ID, nullable=True),
        sa.Column("connected_at", TS, nullable=False),
        sa.Column("checked_at", TS, nullable=True),
        _fk("organization_id", "organization.id", "CASCADE"),
        _fk("connected_by", "app_user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("organization_id", name=op.f(f"uq_{TABLE}_organization_id")),
        sa.UniqueConstraint("telegram_id", name=op.f(f"uq_{TABLE}_telegram_id")),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
