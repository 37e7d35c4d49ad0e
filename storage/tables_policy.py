"""Tables of the privacy policy's versions (core/privacy/policy.py): which versions were
published, and who was told about which. Defined on the same metadata as `storage.tables`,
which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class PolicyPublicationRow(SQLModel, table=True):
    """A version an operator published (`astracrm policy publish`): one row per version."""

    __tablename__ = "policy_publication"
    version: str = Field(primary_key=True, max_length=32)
    effective_at: datetime = _ts(nullable=False)
    material: bool = Field(sa_column=Column(Boolean, nullable=False))
    published_at: datetime = _ts(nullable=False)


class PolicyNoticeRow(SQLModel, table=True):
    """One person told about one version: at most one row, so at most one notice, per person
    and version whoever queues it (two processes, a restart, publishing twice)."""

    __tablename__ = "policy_notice"
    __table_args__ = (UniqueConstraint("user_id", "version", name="uq_policy_notice_person"),)
    id: int | None = _pk()
    user_id: int = _fk("app_user.id", index=False)
    version: str = Field(max_length=32)
    created_at: datetime = _ts(nullable=False)
