"""privacy policy versions

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07

The privacy policy's published versions and the notices about them (issue 25, items 1-3;
core/privacy/policy.py): one notice per person and version, held by a unique constraint.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "policy_publication",
        sa.Column("version", STR(length=32), nullable=False),
        sa.Column("effective_at", TS, nullable=False),
        sa.Column("material", sa.Boolean(), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policy_publication")),
    )
    op.create_table(
        "policy_notice",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("version", STR(length=32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_policy_notice_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_notice")),
        sa.UniqueConstraint("user_id", "version", name="uq_policy_notice_person"),
    )


def downgrade() -> None:
    op.drop_table("policy_notice")
    op.drop_table("policy_publication")
