"""client payments: the amount staff asked to refund

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

Partial refunds of a client's online payment (issue 19): `client_payment.refund_asked_minor`
is what staff asked the bank to refund so far. A refund request reserves its amount with one
conditional UPDATE, so two requests racing can never ask for more than was paid.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    column = sa.Column("refund_asked_minor", sa.BigInteger(), nullable=False, server_default="0")
    op.add_column("client_payment", column)
    # A payment refunded before this column existed had asked for what was refunded.
    op.execute("UPDATE client_payment SET refund_asked_minor = refunded_minor")


def downgrade() -> None:
    op.execute("ALTER TABLE client_payment DROP COLUMN refund_asked_minor")
