"""invoices, their counter and the organization's invoice details

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

Issue 20, item 6 (docs/invoices.md): `invoice_counter` numbers an organization's invoices per
year without gaps (raised in the Done's transaction), `invoice` keeps the lines billed at Done
and where its PDFs are stored, `org_requisites` the legal and bank details printed on them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
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
        "invoice_counter",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        _fk("invoice_counter", "organization_id", "organization.id"),
        sa.PrimaryKeyConstraint("organization_id", "year", name=op.f("pk_invoice_counter")),
    )
    op.create_table(
        "invoice",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("file_key", STR(length=300), nullable=True),
        sa.Column("report_key", STR(length=300), nullable=True),
        _fk("invoice", "organization_id", "organization.id"),
        _fk("invoice", "order_id", "work_order.id"),
        _fk("invoice", "client_id", "client.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint(
            "organization_id", "year", "seq", name=op.f("uq_invoice_organization_id")
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_invoice_order_id")),
    )
    op.create_index(op.f("ix_invoice_client_id"), "invoice", ["client_id"], unique=False)
    op.create_table(
        "org_requisites",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("legal_name", STR(length=200), nullable=False),
        sa.Column("inn", STR(length=12), nullable=False),
        sa.Column("kpp", STR(length=9), nullable=False),
        sa.Column("address", STR(length=300), nullable=False),
        sa.Column("bank_name", STR(length=200), nullable=False),
        sa.Column("bik", STR(length=9), nullable=False),
        sa.Column("account", STR(length=20), nullable=False),
        sa.Column("corr_account", STR(length=20), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("org_requisites", "organization_id", "organization.id"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_org_requisites")),
    )


def downgrade() -> None:
    op.drop_table("org_requisites")
    op.drop_index(op.f("ix_invoice_client_id"), table_name="invoice")
    op.drop_table("invoice")
    op.drop_table("invoice_counter")
