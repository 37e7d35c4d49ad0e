"""the kinds of work a worker does

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

`worker_category`: a member's kinds of work (service categories). A member with none does
every kind; reassign proposals for an order of a kind offer only workers who do it
(issue 20, item 11; docs/availability.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_worker_category_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "worker_category",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("category_id", ID, nullable=False),
        _fk("organization_id", "organization.id"),
        _fk("user_id", "app_user.id"),
        _fk("category_id", "service_category.id"),
        sa.PrimaryKeyConstraint(
            "organization_id", "user_id", "category_id", name=op.f("pk_worker_category")
        ),
    )


def downgrade() -> None:
    op.drop_table("worker_category")
