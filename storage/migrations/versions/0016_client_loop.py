"""client loop: clients linked to Telegram, invitations, consents, the client message log,
client page tokens, per-organization settings and templates

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

The business's clients hear from it (issue 19): a client is linked to a Telegram account per
organization by a one-use hashed invitation, consents and opt-outs are recorded per channel
and purpose, every client message is logged on its order's history (and erased with the
client), and the client page of an order opens with a hashed token.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op


revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_loop_settings",
        sa.Column(
            "organization_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("disabled", sa.JSON(), nullable=False),
        sa.Column("reminder_at", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("reminder_2h", sa.Boolean(), nullable=False),
        sa.Column("quiet_hours", sa.Boolean(), nullable=False),
        sa.Column("rating_delay_minutes", sa.Integer(), nullable=False),
        sa.Column("show_prices", sa.Boolean(), nullable=False),
        sa.Column("send_photos", sa.Boolean(), nullable=False),
        sa.Column("relay_to_assignee", sa.Boolean(), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_loop_settings_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_client_loop_settings")),
    )
    op.create_table(
        "client_consent",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "recorded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_consent_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_consent_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_client_consent_recorded_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_consent")),
    )
    op.create_index(
        op.f("ix_client_consent_client_id"), "client_consent", ["client_id"], unique=False
    )
    op.create_index(
        op.f("ix_client_consent_organization_id"),
        "client_consent",
        ["organization_id"],
        unique=False,
    )

    op.create_table(
        "client_link",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("transactional_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("marketing_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("linked_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_link_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_link_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_client_link_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_link")),
        sa.UniqueConstraint("client_id", "organization_id", name=op.f("uq_client_link_client_id")),
        sa.UniqueConstraint("user_id", "organization_id", name=op.f("uq_client_link_user_id")),
    )
    op.create_index(
        op.f("ix_client_link_organization_id"), "client_link", ["organization_id"], unique=False
    )

    op.create_table(
        "client_template",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "updated_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_template_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["app_user.id"],
            name=op.f("fk_client_template_updated_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_template")),
        sa.UniqueConstraint(
            "organization_id", "kind", "language", name=op.f("uq_client_template_organization_id")
        ),
    )
    op.create_table(
        "client_invite",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("used_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_invite_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
            name=op.f("fk_client_invite_created_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_client_invite_order_id_work_order"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_invite_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["app_user.id"],
            name=op.f("fk_client_invite_used_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_client_invite_token_hash")),
    )
    op.create_index(
        op.f("ix_client_invite_client_id"), "client_invite", ["client_id"], unique=False
    )
    op.create_index(op.f("ix_client_invite_order_id"), "client_invite", ["order_id"], unique=False)
    op.create_index(
        op.f("ix_client_invite_organization_id"),
        "client_invite",
        ["organization_id"],
        unique=False,
    )

    op.create_table(
        "client_message",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("provider_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_client_message_author_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_message_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_client_message_order_id_work_order"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_message_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_message")),
    )
    op.create_index(
        op.f("ix_client_message_client_id"), "client_message", ["client_id"], unique=False
    )
    op.create_index(
        op.f("ix_client_message_created_at"), "client_message", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_client_message_order_id"), "client_message", ["order_id"], unique=False
    )
    op.create_index(
        "ix_client_message_org_provider",
        "client_message",
        ["organization_id", "channel", "provider_id"],
        unique=False,
    )

    op.create_table(
        "client_page_token",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_page_token_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_order.id"],
            name=op.f("fk_client_page_token_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_client_page_token_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_page_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_client_page_token_token_hash")),
    )
    op.create_index(
        op.f("ix_client_page_token_client_id"), "client_page_token", ["client_id"], unique=False
    )
    op.create_index(
        op.f("ix_client_page_token_order_id"), "client_page_token", ["order_id"], unique=False
    )
    op.create_index(
        op.f("ix_client_page_token_organization_id"),
        "client_page_token",
        ["organization_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("client_page_token")
    op.drop_table("client_message")
    op.drop_table("client_invite")
    op.drop_table("client_template")
    op.drop_table("client_link")
    op.drop_table("client_consent")
    op.drop_table("client_loop_settings")
