"""API keys of the REST API

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

`api_key`: an organization's keys for /api/v1, stored as SHA-256 hashes with their scopes;
`api_idempotent_answer`: the first answer to a POST with an Idempotency-Key, per key
(issue 21, items 5 and 6; docs/rest-api.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def _fk(
    table: str, column: str, target: str, ondelete: str = "CASCADE"
) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("name", STR(length=60), nullable=False),
        sa.Column("prefix", STR(length=16), nullable=False),
        sa.Column("scopes", STR(length=200), nullable=False),
        sa.Column("key_hash", STR(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        _fk("api_key", "organization_id", "organization.id"),
        _fk("api_key", "created_by", "app_user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    op.create_index(op.f("ix_api_key_organization_id"), "api_key", ["organization_id"])
    op.create_table(
        "api_idempotent_answer",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("api_key_id", ID, nullable=False),
        sa.Column("idempotency_key", STR(length=100), nullable=False),
        sa.Column("request_hash", STR(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("api_idempotent_answer", "api_key_id", "api_key.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_answer")),
        sa.UniqueConstraint(
            "api_key_id",
            "idempotency_key",
            name=op.f("uq_api_idempotent_answer_api_key_id"),
        ),
    )
    op.create_index(
        op.f("ix_api_idempotent_answer_created_at"), "api_idempotent_answer", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_api_idempotent_answer_created_at"), table_name="api_idempotent_answer"
    )
    op.drop_table("api_idempotent_answer")
    op.drop_index(op.f("ix_api_key_organization_id"), table_name="api_key")
    op.drop_table("api_key")
