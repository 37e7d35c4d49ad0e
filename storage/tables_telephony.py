"""Telephony: an organization's PBX account, calls and their events. Defined on the same
metadata as `storage.tables`, which imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts
from storage.types import BigIntPK


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
