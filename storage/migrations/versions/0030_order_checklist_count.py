"""how many checklist items an order has

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07

`work_order.checklist_count`: the items copied onto the order (issue 20, item 7), kept with
the copy, so a card offers "☑️ Checklist" only on an order that has one without reading the
items. Orders that already have items are counted once here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "work_order",
        sa.Column("checklist_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE work_order SET checklist_count = (SELECT count(*) FROM order_checklist_item i "
        "WHERE i.order_id = work_order.id) WHERE EXISTS (SELECT 1 FROM order_checklist_item i "
        "WHERE i.order_id = work_order.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("work_order") as batch:
        batch.drop_column("checklist_count")
