"""Tables of workers' availability (issue 20, item 11; docs/availability.md). Defined on the
same metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, ForeignKey, Index
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts
from storage.types import BigIntPK


def _key(target: str) -> Any:
    column = Column(BigIntPK, ForeignKey(target, ondelete="CASCADE"), primary_key=True)
    return Field(default=None, sa_column=column)


class WorkerHoursRow(SQLModel, table=True):
    """A member's own weekly hours; none: the organization's working hours apply."""

    __tablename__ = "worker_hours"
    organization_id: int = _key("organization.id")
    user_id: int = _key("app_user.id")
    start: str = Field(max_length=5)  # HH:MM, the organization's wall time
    end: str = Field(max_length=5)
    days: str = Field(max_length=7)  # ISO weekdays as digits, Monday 1
    updated_at: datetime = _ts(nullable=False)


class WorkerAbsenceRow(SQLModel, table=True):
    """Days a member does not work: a vacation or day off (typed), a sick day (the morning
    plan's button); local days of the organization, both ends included."""

    __tablename__ = "worker_absence"
    __table_args__ = (
        Index("ix_worker_absence_org_days", "organization_id", "last_day", "first_day"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    user_id: int = _fk("app_user.id", index=False)
    kind: str = Field(max_length=16)
    first_day: date = Field(sa_column=Column(Date, nullable=False))
    last_day: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = _ts(nullable=False)


class WorkerCategoryRow(SQLModel, table=True):
    """A kind of work a member does. A member with none does every kind (the default)."""

    __tablename__ = "worker_category"
    organization_id: int = _key("organization.id")
    user_id: int = _key("app_user.id")
    category_id: int = _key("service_category.id")
