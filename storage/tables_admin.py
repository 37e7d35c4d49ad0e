"""The admin web app and billing: sign-in links and sessions, API tokens, an organization's
secrets and settings, subscriptions, payments and usage. Defined on the same metadata as
`storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts
from storage.types import BigIntPK


class SignInLinkRow(SQLModel, table=True):
    """A one-time link from /admin that opens a browser session (the token is kept hashed)."""

    __tablename__ = "sign_in_link"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    user_id: int = _fk("app_user.id", index=False)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class AdminSessionRow(SQLModel, table=True):
    """A browser's session: the token and the browser's device id kept hashed; where it came
    from (User-Agent capped, address) and when it was last seen (at most once a minute)."""

    __tablename__ = "admin_session"
    __table_args__ = (Index("ix_admin_session_user_device", "user_id", "device_hash"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    user_id: int = _fk("app_user.id", index=False)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts(nullable=False)
    revoked_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    last_seen_at: datetime | None = _ts()
    user_agent: str | None = Field(default=None, max_length=400)
    ip: str | None = Field(default=None, max_length=45)
    device_hash: str | None = Field(default=None, max_length=64)
    second_factor_at: datetime | None = _ts()  # when this session last passed a second factor


class ApiTokenRow(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    user_id: int = _fk("app_user.id", index=False)
    name: str = Field(max_length=60)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts(nullable=False)
    last_used_at: datetime | None = _ts()
    revoked_at: datetime | None = _ts()


class OrgSecretRow(SQLModel, table=True):
    """An integration credential, encrypted (Fernet) with the deployment's ENCRYPTION_KEY."""

    __tablename__ = "org_secret"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    name: str = Field(max_length=32)
    ciphertext: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _ts(nullable=False)


class OrgSettingRow(SQLModel, table=True):
    """One organization preference (digest time, reminders, notification defaults) as JSON."""

    __tablename__ = "org_setting"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    name: str = Field(max_length=32)
    value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = _ts(nullable=False)


class SubscriptionRow(SQLModel, table=True):
    __tablename__ = "subscription"
    id: int | None = _pk()
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("organization.id", ondelete="CASCADE"),
            unique=True,
            nullable=False,
        )
    )
    plan: str = Field(max_length=16, default="free")
    status: str = Field(max_length=16, default="active")
    current_period_start: datetime | None = _ts()
    current_period_end: datetime | None = _ts()
    anchor: datetime | None = _ts()
    updated_at: datetime = _ts(nullable=False)


class PaymentRow(SQLModel, table=True):
    """A payment for the CRM's own subscription through T-Bank acquiring."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_status_created", "status", "created_at"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    order_id: str = Field(max_length=36, unique=True)
    payment_id: str | None = Field(default=None, max_length=32)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(max_length=24)
    plan: str = Field(max_length=16)
    months: int = 1
    payment_url: str | None = Field(default=None, sa_column=Column(Text))
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class UsageRow(SQLModel, table=True):
    """How much of a metered thing (orders, AI calls) an organization used in one period."""

    __tablename__ = "usage"
    __table_args__ = (UniqueConstraint("organization_id", "period_start", "kind"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    period_start: datetime = _ts(nullable=False)
    kind: str = Field(max_length=32)
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
