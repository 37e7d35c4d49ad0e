"""quote page token

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07

The client page of a quote (`/q/<token>`, docs/quotes.md): the token's hash per quote, erased
with the client, the quote or the organization.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString
TABLE = "quote_page_token"


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{TABLE}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("quote_id", ID, nullable=False),
        sa.Column("token_hash", STR(length=64), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("organization_id", "organization.id"),
        _fk("client_id", "client.id"),
        _fk("quote_id", "quote.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{TABLE}_token_hash")),
    )
    op.create_index(op.f(f"ix_{TABLE}_client_id"), TABLE, ["client_id"], unique=False)
    op.create_index(op.f(f"ix_{TABLE}_quote_id"), TABLE, ["quote_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{TABLE}_quote_id"), table_name=TABLE)
    op.drop_index(op.f(f"ix_{TABLE}_client_id"), table_name=TABLE)
    op.drop_table(TABLE)
