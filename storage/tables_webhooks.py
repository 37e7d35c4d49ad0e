"""Tables of outgoing webhooks (issue 21, item 7; docs/webhooks.md). Defined on the same
metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class WebhookSubscriptionRow(SQLModel, table=True):
    """A URL an organization sends events to; the signing secret encrypted (SecretBox)."""

    __tablename__ = "webhook_subscription"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    failing_since: datetime | None = _ts()
    disabled_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class WebhookDeliveryRow(SQLModel, table=True):
    """One event for one subscription: the body as signed, and how sending it went (the
    response's status and a short excerpt, nothing more)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
        Index("ix_webhook_delivery_subscription", "subscription_id", "id"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    subscription_id: int = _fk("webhook_subscription.id", index=False)
    event_id: str = Field(max_length=36)
    event_type: str = Field(max_length=32)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    first_try_at: datetime | None = _ts()
    next_try_at: datetime | None = _ts()
    last_status: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    last_excerpt: str | None = Field(default=None, max_length=200)
    created_at: datetime = _ts(nullable=False)
    delivered_at: datetime | None = _ts()
