"""The runtime's tables: conversation state, the update ledger and inbox, the outbox of
messages to send, and durable jobs. Defined on the same metadata as `storage.tables`, which
imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts, _where


class DialogStateRow(SQLModel, table=True):
    __tablename__ = "dialog_state"
    __table_args__ = (UniqueConstraint("bot", "chat_id", "user_id"),)
    id: int | None = _pk()
    bot: int = Field(  # the number of the bot the conversation is held in (own bots)
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
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
