"""People and teams: organizations, users, memberships, invitations and the consents people
gave. Defined on the same metadata as `storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts


class OrganizationRow(SQLModel, table=True):
    __tablename__ = "organization"
    id: int | None = _pk()
    name: str = Field(max_length=100)
    timezone: str = Field(max_length=64)
    currency: str = Field(max_length=3)
    language: str = Field(max_length=8)
    country: str = Field(max_length=2, default="RU")
    status: str = Field(max_length=16, default="active")
    photos_required: int = 0
    contact_grace_hours: int = 24
    # Each AI step the owner may switch off for the organization (docs/data-rights.md).
    ai_speech: bool = True
    ai_summaries: bool = True
    ai_inbox: bool = True
    next_order_number: int = 1
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    deactivated_at: datetime | None = _ts()
    deleted_at: datetime | None = _ts()


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = _pk()
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    first_name: str = Field(max_length=128)
    last_name: str | None = Field(default=None, max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=8)
    telegram_language: str | None = Field(default=None, max_length=16)
    active_org_id: int | None = _fk("organization.id", nullable=True, ondelete="SET NULL")
    age_confirmed_at: datetime | None = _ts()
    consent_at: datetime | None = _ts()
    consent_version: str | None = Field(default=None, max_length=32)
    unreachable_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    deleted_at: datetime | None = _ts()
    phone: str | None = Field(default=None, max_length=32)  # their own, E.164 (data rights)
    name_set_at: datetime | None = _ts()  # the name was typed by them: not Telegram's
    restricted_at: datetime | None = _ts()  # they restricted processing of their own data


class MembershipRow(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    user_id: int = _fk("app_user.id")
    role: str = Field(max_length=16)
    active: bool = True
    current_order_id: int | None = _fk(
        "work_order.id", nullable=True, ondelete="SET NULL", index=False
    )
    created_at: datetime = _ts(nullable=False)
    deactivated_at: datetime | None = _ts()


class InviteRow(SQLModel, table=True):
    __tablename__ = "invite"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    token_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    created_by: int = _fk("app_user.id")
    expires_at: datetime = _ts(nullable=False)
    max_uses: int = 1
    uses: int = 0
    revoked_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


class ConsentRow(SQLModel, table=True):
    __tablename__ = "consent"
    id: int | None = _pk()
    user_id: int = _fk("app_user.id")
    kind: str = Field(max_length=32)
    policy_version: str = Field(max_length=32)
    accepted: bool
    created_at: datetime = _ts(nullable=False)
