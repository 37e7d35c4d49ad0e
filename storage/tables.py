"""The database schema as SQLModel tables. Changed only together with an Alembic migration.
The tables of each area are in storage/tables_*.py on the metadata of storage/table_base.py;
those of people and teams, the runtime, files, the admin app and billing, privacy, telephony,
notifications and the client loop are re-exported here (`from storage.tables import X` works
for every one), the others are imported at the bottom."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import NAMING_CONVENTION as NAMING_CONVENTION
from storage.table_base import _fk as _fk
from storage.table_base import _pk as _pk
from storage.table_base import _ts as _ts
from storage.table_base import _where as _where
from storage.table_base import metadata as metadata
from storage.tables_admin import AdminSessionRow as AdminSessionRow
from storage.tables_admin import ApiTokenRow as ApiTokenRow
from storage.tables_admin import OrgSecretRow as OrgSecretRow
from storage.tables_admin import OrgSettingRow as OrgSettingRow
from storage.tables_admin import PaymentRow as PaymentRow
from storage.tables_admin import SignInLinkRow as SignInLinkRow
from storage.tables_admin import SubscriptionRow as SubscriptionRow
from storage.tables_admin import UsageRow as UsageRow
from storage.tables_client_loop import ClientConsentRow as ClientConsentRow
from storage.tables_client_loop import ClientInviteRow as ClientInviteRow
from storage.tables_client_loop import ClientLinkRow as ClientLinkRow
from storage.tables_client_loop import ClientLoopSettingsRow as ClientLoopSettingsRow
from storage.tables_client_loop import ClientMessageRow as ClientMessageRow
from storage.tables_client_loop import ClientOptOutTokenRow as ClientOptOutTokenRow
from storage.tables_client_loop import ClientPageTokenRow as ClientPageTokenRow
from storage.tables_client_loop import ClientPaymentRow as ClientPaymentRow
from storage.tables_client_loop import ClientRatingRow as ClientRatingRow
from storage.tables_client_loop import ClientSmsHookRow as ClientSmsHookRow
from storage.tables_client_loop import ClientTemplateRow as ClientTemplateRow
from storage.tables_client_loop import ClientTripRow as ClientTripRow
from storage.tables_files import AttachmentRow as AttachmentRow
from storage.tables_files import VoiceNoteRow as VoiceNoteRow
from storage.tables_notifications import NotificationPrefRow as NotificationPrefRow
from storage.tables_notifications import SentNotificationRow as SentNotificationRow
from storage.tables_privacy import AuditEventRow as AuditEventRow
from storage.tables_privacy import RetentionPolicyRow as RetentionPolicyRow
from storage.tables_runtime import DialogStateRow as DialogStateRow
from storage.tables_runtime import JobRow as JobRow
from storage.tables_runtime import OutboxRow as OutboxRow
from storage.tables_runtime import ProcessedUpdateRow as ProcessedUpdateRow
from storage.tables_runtime import UpdateInboxRow as UpdateInboxRow
from storage.tables_team import ConsentRow as ConsentRow
from storage.tables_team import InviteRow as InviteRow
from storage.tables_team import MembershipRow as MembershipRow
from storage.tables_team import OrganizationRow as OrganizationRow
from storage.tables_team import UserRow as UserRow
from storage.tables_telephony import CallEventRow as CallEventRow
from storage.tables_telephony import CallRow as CallRow
from storage.tables_telephony import PbxAccountRow as PbxAccountRow


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


# The scheduler's scans: orders by time across organizations, recent order changes.
Index("ix_work_order_scheduled_at", OrderRow.__table__.c.scheduled_at)
Index("ix_order_event_created_at", OrderEventRow.__table__.c.created_at)


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
