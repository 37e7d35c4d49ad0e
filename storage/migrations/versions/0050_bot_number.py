"""bot number

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07

Numbers of the organizations' own bots (issue 23, docs/own-bot.md, Routing): the update inbox
and ledger key an update by its bot's number and its id; never deleted, so never reused.
On PostgreSQL every change of `own_bot` notifies `astracrm_bots`, so every process starts or
stops serving a bot when it commits (bot/fleet.py); SQLite has one process, which looks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | None = "0049"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLE = "bot_number"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("telegram_id", name=op.f(f"uq_{TABLE}_telegram_id")),
    )
    op.execute(f"INSERT INTO {TABLE} (telegram_id) SELECT telegram_id FROM own_bot ORDER BY id")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION astracrm_bots_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('astracrm_bots', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER own_bot_changed AFTER INSERT OR UPDATE OR DELETE ON own_bot "
        "FOR EACH STATEMENT EXECUTE FUNCTION astracrm_bots_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS own_bot_changed ON own_bot")
        op.execute("DROP FUNCTION IF EXISTS astracrm_bots_notify()")
    op.drop_table(TABLE)
