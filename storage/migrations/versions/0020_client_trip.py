"""client trips ("On my way") and the ETA settings

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

An assignee on the way to a client (issue 19, item 6): one row per order holds whom the client
was told by which channel, the ETA, the worker's last position (cleared on arrival) and when
the client's message was last edited. The client-loop settings gain the ETA's detour factor
and average speed, and whether SMS/e-mail clients also hear "arrived".
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_client_trip_{column}_{table}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "client_trip",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("eta_minutes", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("position_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("edited_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.Column("arrived_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        _fk("client_id", "client.id"),
        _fk("message_id", "client_message.id", "SET NULL"),
        _fk("order_id", "work_order.id"),
        _fk("organization_id", "organization.id"),
        _fk("worker_id", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_trip")),
        sa.UniqueConstraint("order_id", name=op.f("uq_client_trip_order_id")),
    )
    op.create_index(op.f("ix_client_trip_client_id"), "client_trip", ["client_id"])
    op.create_index(op.f("ix_client_trip_worker_id"), "client_trip", ["worker_id"])
    op.add_column(
        "client_loop_settings",
        sa.Column("eta_detour", sa.Float(), nullable=False, server_default="1.4"),
    )
    op.add_column(
        "client_loop_settings",
        sa.Column("eta_speed_kmh", sa.Integer(), nullable=False, server_default="25"),
    )
    op.add_column(
        "client_loop_settings",
        sa.Column("arrived_elsewhere", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Native DROP COLUMN on both databases (SQLite since 3.35), as in 0017.
    for column in ("arrived_elsewhere", "eta_speed_kmh", "eta_detour"):
        op.execute(f"ALTER TABLE client_loop_settings DROP COLUMN {column}")
    op.drop_index(op.f("ix_client_trip_worker_id"), table_name="client_trip")
    op.drop_index(op.f("ix_client_trip_client_id"), table_name="client_trip")
    op.drop_table("client_trip")
