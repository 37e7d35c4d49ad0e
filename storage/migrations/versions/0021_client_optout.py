"""client opt-out tokens and SMS provider callback secrets

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

The unsubscribe link of an e-mail to a client (`/u/<token>`, hashed, one per message,
erased with the client) and, per organization, the hashed secret in the URL its SMS
provider posts delivery reports and inbound messages to (issue 19, items 2 and 11).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "client_optout_token",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("client_optout_token", "client_id", "client.id"),
        _fk("client_optout_token", "organization_id", "organization.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_optout_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_client_optout_token_token_hash")),
    )
    op.create_index(op.f("ix_client_optout_token_client_id"), "client_optout_token", ["client_id"])
    op.create_table(
        "client_sms_hook",
        sa.Column("organization_id", ID, autoincrement=False, nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("client_sms_hook", "organization_id", "organization.id"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_client_sms_hook")),
    )


def downgrade() -> None:
    op.drop_table("client_sms_hook")
    op.drop_index(op.f("ix_client_optout_token_client_id"), table_name="client_optout_token")
    op.drop_table("client_optout_token")
