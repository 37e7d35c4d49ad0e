"""Trips of assignees on the way to their clients (core/client_loop/trips.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.eta import Point
from core.client_loop.model import Channel
from core.client_loop.trips import TRIP_FIELDS, Trip
from storage.tables import ClientTripRow

_c = ClientTripRow.__table__.c
_TRIP = select(*_c).where(
    _c.organization_id == bindparam("org_id"), _c.order_id == bindparam("order_id")
)


def to_trip(row: ClientTripRow | Row[Any]) -> Trip:
    assert row.id is not None
    located = row.latitude is not None and row.longitude is not None
    return Trip(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        worker_id=row.worker_id,
        client_id=row.client_id,
        created_at=row.created_at,
        channel=Channel(row.channel) if row.channel else None,
        message_id=row.message_id,
        chat_id=row.chat_id,
        draft=dict(row.draft or {}),
        eta_minutes=row.eta_minutes,
        position=Point(row.latitude, row.longitude) if located else None,
        position_at=row.position_at,
        edited_at=row.edited_at,
        edits=row.edits,
        arrived_at=row.arrived_at,
    )


class TripQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def trip(self, org_id: int, order_id: int) -> Trip | None:
        """Columns, not an ORM entity, from a statement built once: every Start of an order
        with a client looks (docs/cpu-per-update.md)."""
        found = await self._s.execute(_TRIP, {"org_id": org_id, "order_id": order_id})
        row = found.one_or_none()
        return to_trip(row) if row is not None else None

    async def active_trip(self, worker_id: int) -> Trip | None:
        """The worker's latest trip not arrived yet, in any organization."""
        stmt = (
            select(ClientTripRow)
            .where(_c.worker_id == worker_id, _c.arrived_at.is_(None))
            .order_by(_c.created_at.desc(), _c.id.desc())
            .limit(1)
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_trip(row) if row is not None else None

    async def add_trip(
        self, org_id: int, order_id: int, worker_id: int, client_id: int, now: datetime
    ) -> Trip:
        row = ClientTripRow(
            organization_id=org_id, order_id=order_id, worker_id=worker_id,
            client_id=client_id, created_at=now,
        )  # fmt: skip
        self._s.add(row)
        await self._s.flush()
        return to_trip(row)

    async def change_trip(self, org_id: int, order_id: int, values: Mapping[str, object]) -> bool:
        unknown = set(values) - TRIP_FIELDS
        if unknown:
            raise ValueError(f"not a trip field: {sorted(unknown)}")
        if not values:
            return False
        stmt = (
            update(ClientTripRow)
            .where(_c.organization_id == org_id, _c.order_id == order_id)
            .values(**values)
        )
        return bool((await self._s.execute(stmt)).rowcount)
