"""client ratings

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

A client rates an order once (issue 19, item 8): one row per order, written when the rating
is asked (so it is never asked twice), answered with 1-5 stars and an optional comment.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "client_rating",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", _ID, nullable=False),
        sa.Column("order_id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("message_id", _ID, nullable=True),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("awaiting_comment", sa.Boolean(), nullable=False),
        sa.Column("asked_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("rated_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_rating_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_client_rating_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_rating_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_rating")),
        sa.UniqueConstraint(
            "organization_id", "order_id", name=op.f("uq_client_rating_organization_id")
        ),
    )
    op.create_index(op.f("ix_client_rating_client_id"), "client_rating", ["client_id"])
    op.create_index(op.f("ix_client_rating_order_id"), "client_rating", ["order_id"])
    op.create_index("ix_client_rating_org_rated", "client_rating", ["organization_id", "rated_at"])


def downgrade() -> None:
    op.drop_index("ix_client_rating_org_rated", table_name="client_rating")
    op.drop_index(op.f("ix_client_rating_order_id"), table_name="client_rating")
    op.drop_index(op.f("ix_client_rating_client_id"), table_name="client_rating")
    op.drop_table("client_rating")
