"""where a client's message was relayed to the staff

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07

`client_relay_copy`: each staff copy (chat, Telegram message id) of a client's relayed
message, so that an answer removes the Reply button from every copy (docs/client-loop.md).
Deleted with the client's message (erasure); not exported.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import storage.types
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_client_relay_copy_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "client_relay_copy",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("organization_id", "organization.id"),
        _fk("message_id", "client_message.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_relay_copy")),
    )
    op.create_index(
        op.f("ix_client_relay_copy_message_id"), "client_relay_copy", ["message_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_client_relay_copy_message_id"), table_name="client_relay_copy")
    op.drop_table("client_relay_copy")
