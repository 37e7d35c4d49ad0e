"""client company details

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07

A client may be a company (issue 21, item 8): `kind` ("person" or "company") and the company's
registry details from DaData's party API or typed by hand (docs/dadata-party.md). Columns of
the client row, so a card, a search and an export read them with the client, and an erasure
removes them with it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STR = sqlmodel.sql.sqltypes.AutoString
COLUMNS = (
    ("company_inn", STR(length=12)),
    ("company_kpp", STR(length=9)),
    ("company_ogrn", STR(length=15)),
    ("company_name", sa.Text()),
    ("company_short_name", sa.Text()),
    ("company_address", sa.Text()),
    ("company_status", STR(length=20)),
    ("company_liquidated_on", sa.Date()),
    ("company_branch", STR(length=10)),
    ("company_checked_at", storage.types.UtcDateTime(timezone=True)),
)


def upgrade() -> None:
    op.add_column(
        "client",
        sa.Column("kind", sa.String(length=10), server_default="person", nullable=False),
    )
    for name, kind in COLUMNS:
        op.add_column("client", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # Native on both databases (SQLite since 3.35), as in 0017: the search view refers to
    # `client`, so SQLite refuses Alembic's copy-and-rename batch mode.
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE client DROP COLUMN {name}")
    op.execute("ALTER TABLE client DROP COLUMN kind")
