"""services catalogue and line items

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

Each organization's catalogue of services and materials, the priced lines of an order, and
on the order how many lines it has and a total waiting for the client's approval; the
organization's setting that a total changed on site needs that approval (issue 20, items 3
and 4). An order priced before this keeps its price as its one line (`line_count` 0: the line
is the price as agreed, docs/line-items.md), so no row is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
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
        "catalogue_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("kind", STR(length=16), nullable=False),
        sa.Column("name", STR(length=120), nullable=False),
        sa.Column("unit", STR(length=12), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("vat_bp", sa.Integer(), nullable=True),
        sa.Column("category_id", ID, nullable=True),
        sa.Column("archived_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("catalogue_item", "organization_id", "organization.id"),
        _fk("catalogue_item", "category_id", "service_category.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_item")),
    )
    op.create_index("ix_catalogue_item_org_name", "catalogue_item", ["organization_id", "name"])
    op.create_table(
        "line_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", ID, nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("unit", STR(length=12), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_minor", sa.BigInteger(), nullable=False),
        sa.Column("vat_bp", sa.Integer(), nullable=True),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("line_item", "organization_id", "organization.id"),
        _fk("line_item", "order_id", "work_order.id"),
        _fk("line_item", "item_id", "catalogue_item.id", "SET NULL"),
        _fk("line_item", "created_by", "app_user.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_item")),
    )
    op.create_index("ix_line_item_order", "line_item", ["order_id", "position"])
    op.add_column(
        "work_order", sa.Column("line_count", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("work_order", sa.Column("approval_minor", sa.BigInteger(), nullable=True))
    op.add_column(
        "client_loop_settings",
        sa.Column("approve_total", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("client_loop_settings") as batch:
        batch.drop_column("approve_total")
    with op.batch_alter_table("work_order") as batch:
        batch.drop_column("approval_minor")
        batch.drop_column("line_count")
    op.drop_index("ix_line_item_order", table_name="line_item")
    op.drop_table("line_item")
    op.drop_index("ix_catalogue_item_org_name", table_name="catalogue_item")
    op.drop_table("catalogue_item")
