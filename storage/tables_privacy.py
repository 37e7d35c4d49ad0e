"""Privacy: the audit log and an organization's retention policy. Defined on the same
metadata as `storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts
from storage.types import BigIntPK


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
