"""API keys of the REST API and the answers kept for Idempotency-Key retries
(docs/rest-api.md). Defined on the same metadata as `storage.tables`, which imports this
module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class ApiKeyRow(SQLModel, table=True):
    """A key is stored as the SHA-256 of its secret; `scopes` is space-separated."""

    __tablename__ = "api_key"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id")
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    name: str = Field(max_length=60)
    prefix: str = Field(max_length=16)
    scopes: str = Field(max_length=200)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts(nullable=False)
    last_used_at: datetime | None = _ts()
    revoked_at: datetime | None = _ts()


class ApiAnswerRow(SQLModel, table=True):
    """The first answer to a POST with an Idempotency-Key, per key."""

    __tablename__ = "api_idempotent_answer"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)
    id: int | None = _pk()
    api_key_id: int = _fk("api_key.id", index=False)
    idempotency_key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    status: int = Field(sa_column=Column(Integer, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts(nullable=False, index=True)
