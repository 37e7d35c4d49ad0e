"""Clients' requests as data subjects (issue 25, item 7; docs/data-rights.md). Defined on the
same metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class ClientRequestRow(SQLModel, table=True):
    """Access, correction, deletion, restriction or objection, received on a day and due 30
    days later; closed by the action that answers it."""

    __tablename__ = "client_request"
    __table_args__ = (Index("ix_client_request_org_open", "organization_id", "closed_at"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    kind: str = Field(max_length=16)
    received_on: date = Field(sa_column=Column(Date, nullable=False))
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)
    closed_at: datetime | None = _ts()
    closed_by: str | None = Field(default=None, max_length=32)
