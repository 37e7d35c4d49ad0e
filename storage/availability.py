"""Workers' availability in SQL (`core.availability.ports`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.availability.rules import Absence, AwayKind
from core.client_loop.slots import WorkingHours, checked_hours
from core.domain import Order, OrderStatus
from storage.orders.order_rows import COLUMNS, order_of
from storage.tables import OrderRow
from storage.tables_availability import WorkerAbsenceRow, WorkerCategoryRow, WorkerHoursRow

_hours = WorkerHoursRow.__table__
_away = WorkerAbsenceRow.__table__
_kind = WorkerCategoryRow.__table__
_order = OrderRow.__table__
_TAKEN = (OrderStatus.ASSIGNED.value, OrderStatus.IN_PROGRESS.value)


def _absence(row: WorkerAbsenceRow) -> Absence:
    assert row.id is not None
    kind = AwayKind(row.kind) if row.kind in AwayKind.__members__.values() else AwayKind.VACATION
    return Absence(row.id, row.organization_id, row.user_id, kind, row.first_day, row.last_day)


class SqlAvailabilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def hours(self, org_id: int, user_ids: Collection[int]) -> dict[int, WorkingHours]:
        if not user_ids:
            return {}
        stmt = select(_hours).where(
            _hours.c.organization_id == org_id, _hours.c.user_id.in_(list(user_ids))
        )
        found = {}
        for row in (await self._s.execute(stmt)).all():
            found[int(row.user_id)] = checked_hours(row.start, row.end, row.days)
        return found

    async def set_hours(
        self, org_id: int, user_id: int, hours: WorkingHours | None, now: datetime
    ) -> None:
        await self._s.execute(
            delete(_hours).where(_hours.c.organization_id == org_id, _hours.c.user_id == user_id)
        )
        if hours is not None:
            data = hours.as_data()
            self._s.add(
                WorkerHoursRow(
                    organization_id=org_id,
                    user_id=user_id,
                    start=data["start"],
                    end=data["end"],
                    days=data["days"],
                    updated_at=now,
                )
            )
            await self._s.flush()

    async def absences(
        self, org_id: int, user_ids: Collection[int] | None, first: date, last: date
    ) -> list[Absence]:
        a = WorkerAbsenceRow
        stmt = select(a).where(a.organization_id == org_id, a.last_day >= first)
        stmt = stmt.where(a.first_day <= last)
        if user_ids is not None:
            if not user_ids:
                return []
            stmt = stmt.where(a.user_id.in_(list(user_ids)))
        stmt = stmt.order_by(a.first_day, a.id)
        return [_absence(row) for row in (await self._s.execute(stmt)).scalars()]

    async def add_absence(
        self, org_id: int, user_id: int, kind: AwayKind, first: date, last: date, now: datetime
    ) -> Absence:
        row = WorkerAbsenceRow(
            organization_id=org_id,
            user_id=user_id,
            kind=kind.value,
            first_day=first,
            last_day=last,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return _absence(row)

    async def remove_absence(self, org_id: int, user_id: int, absence_id: int) -> bool:
        stmt = delete(_away).where(
            _away.c.organization_id == org_id,
            _away.c.user_id == user_id,
            _away.c.id == absence_id,
        )
        result = await self._s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def kinds(self, org_id: int, user_ids: Collection[int]) -> dict[int, frozenset[int]]:
        if not user_ids:
            return {}
        stmt = select(_kind.c.user_id, _kind.c.category_id).where(
            _kind.c.organization_id == org_id, _kind.c.user_id.in_(list(user_ids))
        )
        found: dict[int, set[int]] = {}
        for user_id, category_id in (await self._s.execute(stmt)).all():
            found.setdefault(int(user_id), set()).add(int(category_id))
        return {user: frozenset(kinds) for user, kinds in found.items()}

    async def set_kind(self, org_id: int, user_id: int, category_id: int, does: bool) -> None:
        key = (
            _kind.c.organization_id == org_id,
            _kind.c.user_id == user_id,
            _kind.c.category_id == category_id,
        )
        await self._s.execute(delete(_kind).where(*key))
        if does:
            await self._s.execute(
                insert(_kind).values(
                    organization_id=org_id, user_id=user_id, category_id=category_id
                )
            )

    async def assigned_between(
        self, org_id: int, user_id: int, start: datetime, end: datetime
    ) -> list[Order]:
        stmt = (
            select(*COLUMNS)
            .where(
                _order.c.organization_id == org_id,
                _order.c.assignee_id == user_id,
                _order.c.status.in_(_TAKEN),
                _order.c.scheduled_at >= start,
                _order.c.scheduled_at < end,
            )
            .order_by(_order.c.scheduled_at, _order.c.id)
        )
        return [order_of(row) for row in (await self._s.execute(stmt)).all()]
