"""checklists per category and the client's acceptance

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

Issue 20, items 7 and 8 (docs/checklists.md): `checklist_template_item` holds a category's
checklist as owners and managers define it; `order_checklist_item` the copy an order took
(when it was made or its category changed) with the worker's answers; `order_acceptance` the
client's acceptance of a done order, one per order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
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


def _item_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", STR(length=120), nullable=False),
        sa.Column("kind", STR(length=8), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("unit", STR(length=12), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "checklist_template_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("category_id", ID, nullable=False),
        *_item_columns(),
        sa.Column("created_at", TS, nullable=False),
        _fk("checklist_template_item", "organization_id", "organization.id"),
        _fk("checklist_template_item", "category_id", "service_category.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template_item")),
    )
    op.create_index(
        "ix_checklist_template_category", "checklist_template_item", ["category_id", "position"]
    )
    op.create_table(
        "order_checklist_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        *_item_columns(),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("done_by", ID, nullable=True),
        sa.Column("number", STR(length=24), nullable=True),
        sa.Column("attachment_id", ID, nullable=True),
        _fk("order_checklist_item", "organization_id", "organization.id"),
        _fk("order_checklist_item", "order_id", "work_order.id"),
        _fk("order_checklist_item", "done_by", "app_user.id", "SET NULL"),
        _fk("order_checklist_item", "attachment_id", "attachment.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_checklist_item")),
    )
    op.create_index("ix_order_checklist_order", "order_checklist_item", ["order_id", "position"])
    op.create_table(
        "order_acceptance",
        sa.Column("order_id", ID, autoincrement=False, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("method", STR(length=12), nullable=False),
        sa.Column("accepted_at", TS, nullable=False),
        sa.Column("name", STR(length=100), nullable=True),
        sa.Column("signature_key", STR(length=200), nullable=True),
        sa.Column("on_staff_device", sa.Boolean(), nullable=False),
        _fk("order_acceptance", "order_id", "work_order.id"),
        _fk("order_acceptance", "organization_id", "organization.id"),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_acceptance")),
    )


def downgrade() -> None:
    op.drop_table("order_acceptance")
    op.drop_index("ix_order_checklist_order", table_name="order_checklist_item")
    op.drop_table("order_checklist_item")
    op.drop_index("ix_checklist_template_category", table_name="checklist_template_item")
    op.drop_table("checklist_template_item")
