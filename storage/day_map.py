"""Today's map: the orders planned in a window with their client's and assignee's names, and
the open trips' last shared positions (client_trip keeps one until the arrival)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.day_map.model import MapOrder, WorkerSpot
from core.domain import OrderStatus
from storage.tables import ClientRow, ClientTripRow, OrderRow, UserRow


def _name(first: str | None, last: str | None) -> str | None:
    return " ".join(p for p in (first, last) if p) or None


class SqlDayMapRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def orders(self, org_id: int, start: datetime, end: datetime) -> list[MapOrder]:
        o, c, u = OrderRow, ClientRow, UserRow
        stmt = (
            select(
                o.id,
                o.number,
                o.status,
                o.latitude,
                o.longitude,
                o.address,
                o.scheduled_at,
                c.name,
                u.first_name,
                u.last_name,
            )
            .outerjoin(c, c.id == o.client_id)
            .outerjoin(u, u.id == o.assignee_id)
            .where(
                o.organization_id == org_id,
                o.scheduled_at >= start,
                o.scheduled_at < end,
                o.status != OrderStatus.CANCELLED.value,
            )
            .order_by(o.scheduled_at, o.number)
        )
        return [
            MapOrder(
                int(r.id),
                int(r.number),
                str(r.status),
                r.latitude,
                r.longitude,
                r.address,
                r.scheduled_at,
                r.name,
                _name(r.first_name, r.last_name),
            )
            for r in (await self._s.execute(stmt)).all()
        ]

    async def workers(self, org_id: int) -> list[WorkerSpot]:
        t, o, u = ClientTripRow, OrderRow, UserRow
        stmt = (
            select(t.latitude, t.longitude, t.position_at, o.number, u.first_name, u.last_name)
            .join(o, o.id == t.order_id)
            .join(u, u.id == t.worker_id)
            .where(
                t.organization_id == org_id,
                t.latitude.is_not(None),
                t.longitude.is_not(None),
                t.position_at.is_not(None),
            )
            .order_by(t.position_at.desc())
        )
        found = []
        for lat, lon, at, number, first, last in (await self._s.execute(stmt)).all():
            found.append(WorkerSpot(_name(first, last) or "?", lat, lon, at, int(number)))
        return found
