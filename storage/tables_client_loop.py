"""The client loop's tables (issue 19): a client's link to Telegram, invitations, consents,
the message log, client page tokens, settings and templates, ratings, online payments,
opt-out tokens, SMS provider hooks and trips. Defined on the same metadata as
`storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts
from storage.types import BigIntPK


class ClientLinkRow(SQLModel, table=True):
    """A client of one organization reachable in Telegram as one person: one link per client
    and one per person in each organization (the same person may be a client of several)."""

    __tablename__ = "client_link"
    __table_args__ = (
        UniqueConstraint("client_id", "organization_id"),
        UniqueConstraint("user_id", "organization_id"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    client_id: int = _fk("client.id", index=False)
    user_id: int = _fk("app_user.id", index=False)
    transactional_at: datetime | None = _ts()
    marketing_at: datetime | None = _ts()
    linked_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class ClientInviteRow(SQLModel, table=True):
    """A one-use deep link (`start=c_<token>`) that links a client's Telegram; hashed."""

    __tablename__ = "client_invite"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    client_id: int = _fk("client.id")
    order_id: int | None = _fk("work_order.id", nullable=True, ondelete="SET NULL")
    token_hash: str = Field(max_length=64, unique=True)
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    used_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class ClientConsentRow(SQLModel, table=True):
    """A client's consent, opt-out or a recorded legal basis, per channel and purpose."""

    __tablename__ = "client_consent"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    client_id: int = _fk("client.id")
    channel: str = Field(max_length=16)
    purpose: str = Field(max_length=16)
    action: str = Field(max_length=16)
    recorded_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)


class ClientMessageRow(SQLModel, table=True):
    """Every message to or from a client, on the order's history; erased with the client."""

    __tablename__ = "client_message"
    __table_args__ = (
        Index("ix_client_message_org_provider", "organization_id", "channel", "provider_id"),
        Index("ix_client_message_reply_hash", "reply_hash", unique=True),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    order_id: int | None = _fk("work_order.id", nullable=True, ondelete="SET NULL")
    direction: str = Field(max_length=8)
    kind: str = Field(max_length=24)
    channel: str = Field(max_length=16)
    status: str = Field(max_length=16)
    provider_id: str | None = Field(default=None, max_length=100)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    author_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False, index=True)
    updated_at: datetime = _ts(nullable=False)
    sent_at: datetime | None = _ts()
    delivered_at: datetime | None = _ts()
    # An e-mail's reply token's SHA-256 (its Reply-To `reply+<token>@...`; migration 0024).
    reply_hash: str | None = Field(default=None, max_length=64)


class ClientPageTokenRow(SQLModel, table=True):
    """The signed client page `/c/<token>` of one order; hashed, expires after it closes."""

    __tablename__ = "client_page_token"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    client_id: int = _fk("client.id")
    order_id: int = _fk("work_order.id")
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)


class ClientLoopSettingsRow(SQLModel, table=True):
    """An organization's client-message settings; no row means the defaults."""

    __tablename__ = "client_loop_settings"
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("organization.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    disabled: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reminder_at: str = Field(default="18:00", max_length=5)
    reminder_2h: bool = False
    quiet_hours: bool = True
    rating_delay_minutes: int = 120
    show_prices: bool = True
    send_photos: bool = False
    relay_to_assignee: bool = False
    eta_detour: float = Field(default=1.4, sa_column=Column(Float, nullable=False))
    eta_speed_kmh: int = 25
    arrived_elsewhere: bool = False
    approve_total: bool = False  # a total changed on site waits for the client's approval
    updated_at: datetime = _ts(nullable=False)


class ClientTemplateRow(SQLModel, table=True):
    """An organization's own text for one kind of client message in one language."""

    __tablename__ = "client_template"
    __table_args__ = (UniqueConstraint("organization_id", "kind", "language"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    kind: str = Field(max_length=24)
    language: str = Field(max_length=8)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    updated_at: datetime = _ts(nullable=False)


class ClientRatingRow(SQLModel, table=True):
    """The client's rating of one order: asked once (a row per order), answered at most once
    (1-5 stars, an optional comment); erased with the client or the order."""

    __tablename__ = "client_rating"
    __table_args__ = (
        UniqueConstraint("organization_id", "order_id"),
        Index("ix_client_rating_org_rated", "organization_id", "rated_at"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = _fk("work_order.id")
    client_id: int = _fk("client.id")
    channel: str = Field(max_length=16)
    message_id: int | None = Field(default=None, sa_column=Column(BigIntPK, nullable=True))
    stars: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    awaiting_comment: bool = False
    asked_at: datetime = _ts(nullable=False)
    rated_at: datetime | None = _ts()


class ClientPaymentRow(SQLModel, table=True):
    """One attempt of a client to pay an order through the organization's own T-Bank terminal
    (`attempt` is the OrderId sent to the bank); no card data is kept."""

    __tablename__ = "client_payment"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = _fk("work_order.id")
    attempt: str = Field(max_length=36, unique=True)
    payment_id: str | None = Field(default=None, max_length=32)
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    refunded_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # What staff asked to refund so far (the bank asked or about to be): never above the amount.
    refund_asked_minor: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    status: str = Field(max_length=24)
    payment_url: str | None = Field(default=None, sa_column=Column(Text))
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    paid_at: datetime | None = _ts()


class ClientOptOutTokenRow(SQLModel, table=True):
    """The unsubscribe link `/u/<token>` of one client of one organization for one channel
    (e-mail): hashed; one per message sent, each valid until it expires."""

    __tablename__ = "client_optout_token"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    channel: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)


class ClientSmsHookRow(SQLModel, table=True):
    """The secret in an organization's SMS provider callback URL, hashed (the providers do
    not sign their callbacks)."""

    __tablename__ = "client_sms_hook"
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("organization.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    secret_hash: str = Field(max_length=64)
    created_at: datetime = _ts(nullable=False)


class ClientTripRow(SQLModel, table=True):
    """An assignee on the way to an order's client ("On my way", issue 19.6): one per order.
    The worker's last position is kept only until arrival (then cleared)."""

    __tablename__ = "client_trip"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = Field(
        sa_column=Column(
            BigIntPK, ForeignKey("work_order.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    worker_id: int = _fk("app_user.id")
    client_id: int = _fk("client.id")
    channel: str | None = Field(default=None, max_length=16)  # set when the client was told
    message_id: int | None = _fk(
        "client_message.id", nullable=True, ondelete="SET NULL", index=False
    )
    chat_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    eta_minutes: int | None = None
    latitude: float | None = Field(default=None, sa_column=Column(Float))
    longitude: float | None = Field(default=None, sa_column=Column(Float))
    position_at: datetime | None = _ts()
    edited_at: datetime | None = _ts()
    edits: int = 0
    arrived_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
