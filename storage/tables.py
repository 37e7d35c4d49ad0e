"""The database schema as SQLModel tables. Changed only together with an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
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
    email: str | None = Field(default=None, max_length=254)  # issue 19: e-mail confirmations
    # Restriction of processing (migration 0039, docs/data-rights.md): kept but not used.
    restricted_at: datetime | None = _ts()
    restriction_note: str | None = Field(default=None, sa_column=Column(Text))
    objected_at: datetime | None = _ts()  # objection to automated processing (migration 0043)
    # Issue 21.8: a business client (`kind` "company") and its registry details (DaData).
    kind: str = Field(
        default="person", sa_column=Column(String(10), nullable=False, server_default="person")
    )
    company_inn: str | None = Field(default=None, max_length=12)
    company_kpp: str | None = Field(default=None, max_length=9)
    company_ogrn: str | None = Field(default=None, max_length=15)
    company_name: str | None = Field(default=None, sa_column=Column(Text))
    company_short_name: str | None = Field(default=None, sa_column=Column(Text))
    company_address: str | None = Field(default=None, sa_column=Column(Text))
    company_status: str | None = Field(default=None, max_length=20)
    company_liquidated_on: date | None = Field(default=None, sa_column=Column(Date))
    company_branch: str | None = Field(default=None, max_length=10)
    company_checked_at: datetime | None = _ts()


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
    settled_at: datetime | None = _ts()  # done and paid in full, or cancelled
    version: int = 0
    # Its lines in `line_item` (0: the price as agreed, no lines yet; docs/line-items.md) and a
    # total the client has still to approve before Done (None: nothing to approve).
    line_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    approval_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    approval_declined_at: datetime | None = _ts()  # the client declined `approval_minor`
    # Items of its checklist (order_checklist_item), kept with the copy (core/checklists/done.py)
    checklist_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    # A visit of a recurring series and its occurrence, the local date-time "2026-03-03T09:00"
    # (unique per series: storage/tables_series.py; docs/recurring.md).
    series_id: int | None = _fk("order_series.id", nullable=True, ondelete="SET NULL", index=False)
    occurrence: str | None = Field(default=None, max_length=16)


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


class UpdateInboxRow(SQLModel, table=True):
    """Updates received and not yet applied: written before Telegram is told they arrived
    (the next getUpdates, the webhook's answer), deleted with the ledger record."""

    __tablename__ = "update_inbox"
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = _ts(nullable=False)


class OutboxRow(SQLModel, table=True):
    """Messages to send, written with the change that calls for them (core/runtime/outbox.py): sent
    in id order, each deleted as soon as Telegram answers it, in the transaction that records
    what its message id is needed for. Only messages not yet sent are here."""

    __tablename__ = "outbox"
    id: int | None = _pk()
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    lane: str = Field(max_length=16)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    locked_by: str | None = Field(default=None, max_length=64)
    locked_until: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, on both databases."""
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


class JobRow(SQLModel, table=True):
    __tablename__ = "job"
    # Claims walk one kind's pending jobs in run_at order, and the few running ones
    # (storage/runtime/job_claims.py, migration 0014); partial, so finished jobs are in neither.
    __table_args__ = (
        Index("ix_job_pending_kind_run_at", "kind", "run_at", **_where("status = 'pending'")),
        Index("ix_job_running_kind_lease", "kind", "locked_until", **_where("status = 'running'")),
    )
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


class AuditEventRow(SQLModel, table=True):
    """Who viewed, exported, deleted or changed what, and when: ids and codes only."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_org_created", "organization_id", "created_at"),)
    id: int | None = _pk()
    organization_id: int | None = _fk("organization.id", nullable=True, index=False)
    actor_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    action: str = Field(max_length=40)
    subject_type: str | None = Field(default=None, max_length=24)
    subject_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False, index=True)


class RetentionPolicyRow(SQLModel, table=True):
    """An organization's own, shorter limit for its business data (clients, order details)."""

    __tablename__ = "retention_policy"
    id: int | None = _pk()
    organization_id: int = Field(
        sa_column=Column(BigIntPK, ForeignKey("organization.id", ondelete="CASCADE"), unique=True)
    )
    business_days: int | None = None
    updated_at: datetime = _ts(nullable=False)


class PbxAccountRow(SQLModel, table=True):
    """An organization's PBX (Zadarma): the public key in its webhook URL, its API credentials
    (until they move to the encrypted store) and the owner's switches."""

    __tablename__ = "pbx_account"
    id: int | None = _pk()
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("organization.id", ondelete="CASCADE"),
            unique=True,
            nullable=False,
        )
    )
    org_key: str = Field(max_length=32, unique=True)
    api_key: str | None = Field(default=None, max_length=128)
    api_secret: str | None = Field(default=None, max_length=128)
    recording_enabled: bool = False
    recording_confirmed_at: datetime | None = _ts()
    recording_confirmed_by: int | None = _fk(
        "app_user.id", nullable=True, ondelete="SET NULL", index=False
    )
    transcription_enabled: bool = False
    extensions: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class CallRow(SQLModel, table=True):
    """One phone call through the PBX, built up from its events."""

    __tablename__ = "call"
    __table_args__ = (
        UniqueConstraint("organization_id", "pbx_call_id"),
        Index("ix_call_org_started", "organization_id", "started_at"),
        Index("ix_call_org_phone", "organization_id", "client_phone"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    pbx_call_id: str = Field(max_length=64)
    direction: str = Field(max_length=8)
    caller: str | None = Field(default=None, max_length=64)
    callee: str | None = Field(default=None, max_length=64)
    client_phone: str | None = Field(default=None, max_length=20)
    client_id: int | None = _fk("client.id", nullable=True, ondelete="SET NULL")
    internal: str | None = Field(default=None, max_length=64)
    answered_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    started_at: datetime = _ts(nullable=False)
    answered_at: datetime | None = _ts()
    ended_at: datetime | None = _ts()
    duration: int | None = None
    outcome: str | None = Field(default=None, max_length=16)
    recording_ref: str | None = Field(default=None, max_length=64)
    recording_key: str | None = Field(default=None, max_length=512)
    recording_mime: str | None = Field(default=None, max_length=64)
    recording_state: str = Field(max_length=16, default="none")
    transcript: str | None = Field(default=None, sa_column=Column(Text))
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    callback_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    order_id: int | None = _fk("work_order.id", nullable=True, ondelete="SET NULL", index=False)
    alerts: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class CallEventRow(SQLModel, table=True):
    """Each PBX notification kept once: a redelivery finds its dedup key and changes nothing."""

    __tablename__ = "call_event"
    __table_args__ = (UniqueConstraint("organization_id", "dedup_key"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    pbx_call_id: str = Field(max_length=64, index=True)
    event: str = Field(max_length=24)
    dedup_key: str = Field(max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts(nullable=False)


class NotificationPrefRow(SQLModel, table=True):
    """A person's scheduled-notification preferences (all their organizations); no row means
    the defaults. Times are local wall-clock "HH:MM" in each organization's time zone."""

    __tablename__ = "notification_pref"
    user_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("app_user.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    digest: bool = True
    digest_at: str = Field(default="20:00", max_length=5)
    weekly: bool = True
    plan: bool = True
    plan_at: str = Field(default="08:00", max_length=5)
    reminder: bool = True
    reminder_minutes: int = 30
    overdue: bool = True
    overdue_minutes: int = 15
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)
    updated_at: datetime = _ts(nullable=False)


class SentNotificationRow(SQLModel, table=True):
    """Every scheduled message (or period with nothing to say) dealt with, by its unique key:
    the ledger that makes digests, plans, reminders and alerts exactly-once."""

    __tablename__ = "sent_notification"
    id: int | None = _pk()
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    organization_id: int | None = _fk("organization.id", nullable=True, index=False)
    recipient_id: int | None = _fk("app_user.id", nullable=True, index=False)
    kind: str = Field(max_length=16)
    created_at: datetime = _ts(nullable=False, index=True)


# The scheduler's scans: orders by time across organizations, recent order changes.
Index("ix_work_order_scheduled_at", OrderRow.__table__.c.scheduled_at)
Index("ix_order_event_created_at", OrderEventRow.__table__.c.created_at)


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


import storage.tables_apikeys  # noqa: E402  (tables on this metadata)
import storage.tables_availability  # noqa: E402  (tables on this metadata)
import storage.tables_catalogue  # noqa: E402  (tables on this metadata)
import storage.tables_checklists  # noqa: E402  (tables on this metadata)
import storage.tables_factors  # noqa: E402  (tables on this metadata)
import storage.tables_invoices  # noqa: E402  (tables on this metadata)
import storage.tables_ownbot  # noqa: E402  (tables on this metadata)
import storage.tables_policy  # noqa: E402  (tables on this metadata)
import storage.tables_quotes  # noqa: E402  (tables on this metadata)
import storage.tables_relay  # noqa: E402  (tables on this metadata)
import storage.tables_requests  # noqa: E402  (tables on this metadata)
import storage.tables_series  # noqa: E402  (tables on this metadata)
import storage.tables_webhooks  # noqa: E402, F401  (tables on this metadata)
