"""client data requests

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07

A client's request as a data subject (issue 25, item 7; docs/data-rights.md): its kind, the day
it was received and the day it is due (30 days later), the note, who recorded it, and when
and by what it was closed. Erased with the client.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString
TABLE = "client_request"


def _fk(column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{TABLE}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("kind", STR(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("closed_by", STR(length=32), nullable=True),
        _fk("organization_id", "organization.id"),
        _fk("client_id", "client.id"),
        _fk("recorded_by", "app_user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_client_id"), TABLE, ["client_id"], unique=False)
    op.create_index(f"ix_{TABLE}_org_open", TABLE, ["organization_id", "closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_org_open", table_name=TABLE)
    op.drop_index(op.f(f"ix_{TABLE}_client_id"), table_name=TABLE)
    op.drop_table(TABLE)
