"""client payments

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

A client pays an order through the organization's own T-Bank terminal (issue 19, item 7):
one row per attempt (the OrderId sent to the bank), its status, the link and what was
refunded; no card data.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "client_payment",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", _ID, nullable=False),
        sa.Column("order_id", _ID, nullable=False),
        sa.Column("attempt", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("payment_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("payment_url", sa.Text(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_client_payment_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_payment_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_payment")),
        sa.UniqueConstraint("attempt", name=op.f("uq_client_payment_attempt")),
    )
    op.create_index(op.f("ix_client_payment_order_id"), "client_payment", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_client_payment_order_id"), table_name="client_payment")
    op.drop_table("client_payment")
