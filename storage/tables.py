"""The database schema as SQLModel tables. Changed only together with an Alembic migration."""

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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.types import BigIntPK, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _fk(target: str, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True) -> Any:
    column = Column(BigIntPK, ForeignKey(target, ondelete=ondelete))
    column.nullable = nullable
    column.index = index
    return Field(default=None, sa_column=column)


def _pk() -> Any:
    return Field(default=None, sa_column=Column(BigIntPK, primary_key=True, autoincrement=True))


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


class CategoryRow(SQLModel, table=True):
    __tablename__ = "service_category"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    name: str = Field(max_length=100)
    position: int = 0
    active: bool = True


class ClientRow(SQLModel, table=True):
    __tablename__ = "client"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    name: str = Field(max_length=200)
    name_norm: str = Field(max_length=200, index=True)
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    address: str | None = Field(default=None, sa_column=Column(Text))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    merged_into_id: int | None = _fk("client.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    deleted_at: datetime | None = _ts()


class ClientPhoneRow(SQLModel, table=True):
    __tablename__ = "client_phone"
    __table_args__ = (
        UniqueConstraint("client_id", "phone"),
        Index("ix_client_phone_org_phone", "organization_id", "phone"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    phone: str = Field(max_length=20)


class OrderRow(SQLModel, table=True):
    __tablename__ = "work_order"
    __table_args__ = (
        UniqueConstraint("organization_id", "number"),
        Index("ix_work_order_org_status", "organization_id", "status"),
        Index("ix_work_order_org_assignee_time", "organization_id", "assignee_id", "scheduled_at"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    number: int
    client_id: int | None = _fk("client.id", nullable=True, ondelete="SET NULL")
    category_id: int | None = _fk("service_category.id", nullable=True, ondelete="SET NULL")
    status: str = Field(max_length=16)
    address: str | None = Field(default=None, sa_column=Column(Text))
    latitude: float | None = Field(default=None, sa_column=Column(Float))
    longitude: float | None = Field(default=None, sa_column=Column(Float))
    scheduled_at: datetime | None = _ts()
    assignee_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    price_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    paid_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    payment_method: str | None = Field(default=None, max_length=16)
    description: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    started_at: datetime | None = _ts()
    done_at: datetime | None = _ts()
    cancelled_at: datetime | None = _ts()
    offered_at: datetime | None = _ts()
    version: int = 0


class OrderEventRow(SQLModel, table=True):
    __tablename__ = "order_event"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    order_id: int = _fk("work_order.id")
    actor_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)


class ClientEventRow(SQLModel, table=True):
    """Changes to a client card that are not about one order (edits, merges)."""

    __tablename__ = "client_event"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    client_id: int = _fk("client.id")
    actor_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)


class OrderMessageRow(SQLModel, table=True):
    """A message showing an order (a card or an offer), kept so it can be edited in place."""

    __tablename__ = "order_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = _fk("work_order.id")
    viewer_id: int = _fk("app_user.id", index=False)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=16, default="card")
    created_at: datetime = _ts(nullable=False)


class AttachmentRow(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    order_id: int | None = _fk("work_order.id", nullable=True)
    kind: str = Field(max_length=16)
    storage_key: str | None = Field(default=None, max_length=512)
    sha256: str | None = Field(default=None, max_length=64)
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    mime: str | None = Field(default=None, max_length=128)
    file_name: str | None = Field(default=None, max_length=255)
    telegram_file_id: str | None = Field(default=None, max_length=256)
    telegram_unique_id: str | None = Field(default=None, max_length=128)
    caption: str | None = Field(default=None, sa_column=Column(Text))
    media_group_id: str | None = Field(default=None, max_length=64)
    state: str = Field(max_length=16, default="pending")
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)


class DialogStateRow(SQLModel, table=True):
    __tablename__ = "dialog_state"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)
    id: int | None = _pk()
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_id: int = _fk("app_user.id")
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_at: datetime = _ts(nullable=False)


class ProcessedUpdateRow(SQLModel, table=True):
    __tablename__ = "processed_update"
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = _ts(nullable=False, index=True)


class JobRow(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_run_at", "status", "run_at"),)
    id: int | None = _pk()
    organization_id: int | None = _fk("organization.id", nullable=True)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=16, default="pending")
    attempts: int = 0
    max_attempts: int = 8
    run_at: datetime = _ts(nullable=False)
    locked_by: str | None = Field(default=None, max_length=64)
    locked_until: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    dedup_key: str | None = Field(default=None, sa_column=Column(String(200), unique=True))
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class VoiceNoteRow(SQLModel, table=True):
    """A voice report on an order: the recording's transcript and the AI's proposed update."""

    __tablename__ = "voice_note"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    order_id: int | None = _fk("work_order.id", nullable=True)
    attachment_id: int | None = _fk(
        "attachment.id", nullable=True, ondelete="SET NULL", index=False
    )
    user_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    status: str = Field(max_length=16, default="received")
    duration_seconds: int = 0
    language: str = Field(max_length=8, default="ru")
    transcript: str | None = Field(default=None, sa_column=Column(Text))
    proposal: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    proposal_state: str | None = Field(default=None, max_length=16)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
