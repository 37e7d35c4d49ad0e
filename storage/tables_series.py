"""Tables of recurring series (issue 20, items 1 and 2; docs/recurring.md). Defined on the
same metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index, Integer
from sqlmodel import Field, SQLModel

from storage.tables import OrderRow, _fk, _pk, _ts


class SeriesRow(SQLModel, table=True):
    """A series: its rule on the organization's wall clock (no zone and no UTC offset: the
    organization's IANA zone is applied when each visit is made), what its visits copy, and
    whether it runs."""

    __tablename__ = "order_series"
    __table_args__ = (Index("ix_order_series_state_id", "state", "id"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int | None = _fk("client.id", nullable=True)
    template_order_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    freq: str = Field(max_length=8)
    interval: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    weekdays: str = Field(default="", max_length=7)  # ISO weekday digits, "24"
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    local_time: str = Field(max_length=5)  # "09:00"
    until: date | None = Field(default=None, sa_column=Column(Date))
    count: int | None = Field(default=None, sa_column=Column(Integer))
    assignee_id: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    price_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    state: str = Field(default="active", max_length=8)
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    version: int = 0


# One order per occurrence of a series, whoever makes it and however often.
Index("ux_work_order_series_occurrence", OrderRow.series_id, OrderRow.occurrence, unique=True)
Index("ix_work_order_series", OrderRow.series_id, OrderRow.scheduled_at)
