"""quotes

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07

Quotes (issue 20, item 5; docs/quotes.md): the quote table, and line items that belong to a
quote instead of an order (exactly one of the two is set).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0029"
down_revision: str | None = "0028"
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
        "quote",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("status", STR(length=16), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("order_id", ID, nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("reminded_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("quote", "organization_id", "organization.id"),
        _fk("quote", "client_id", "client.id"),
        _fk("quote", "created_by", "app_user.id", "SET NULL"),
        _fk("quote", "order_id", "work_order.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
    )
    op.create_index("ix_quote_org_status", "quote", ["organization_id", "status", "valid_until"])
    op.create_index(op.f("ix_quote_client_id"), "quote", ["client_id"], unique=False)
    with op.batch_alter_table("line_item") as batch:
        batch.add_column(sa.Column("quote_id", ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_line_item_quote_id_quote"),
            "quote",
            ["quote_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint(
            batch.f("ck_line_item_one_owner"), "(order_id IS NULL) <> (quote_id IS NULL)"
        )
    op.create_index("ix_line_item_quote", "line_item", ["quote_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_line_item_quote", table_name="line_item")
    with op.batch_alter_table("line_item") as batch:
        batch.drop_constraint(batch.f("ck_line_item_one_owner"), type_="check")
        batch.drop_constraint("fk_line_item_quote_id_quote", type_="foreignkey")
        batch.drop_column("quote_id")
    op.drop_index(op.f("ix_quote_client_id"), table_name="quote")
    op.drop_index("ix_quote_org_status", table_name="quote")
    op.drop_table("quote")
