"""Files on orders and voice notes. Defined on the same metadata as `storage.tables`, which
imports them from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    Text,
)
from sqlmodel import Field, SQLModel

from storage.table_base import _fk, _pk, _ts


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
    telegram_file_bot: int = Field(  # the number of the bot whose id that is (own bots)
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    telegram_unique_id: str | None = Field(default=None, max_length=128)
    caption: str | None = Field(default=None, sa_column=Column(Text))
    media_group_id: str | None = Field(default=None, max_length=64)
    state: str = Field(max_length=16, default="pending")
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)


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
