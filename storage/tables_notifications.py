"""Notifications: a member's preferences and what was sent to whom. Defined on the same
metadata as `storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts
from storage.types import BigIntPK


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
