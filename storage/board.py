"""What the web board reads (core/board/ports.py), and how its live feed learns of changes:
every order event wakes the admin processes. In this process a unit of work that wrote an
order event fires `BOARD_CHANGES` after it commits; on PostgreSQL a trigger on `order_event`
(migration 0038) notifies `BOARD_CHANNEL`, delivered to every listening process when the
transaction commits (docs/board.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.domain import Order
from storage.orders.order_rows import COLUMNS, order_of
from storage.runtime.notify import listen as listen_on
from storage.tables import ClientTripRow, OrderEventRow, OrderRow

log = logging.getLogger(__name__)

BOARD_CHANNEL = "astracrm_board"
BOARD_FLAG = "board_changed"  # session.info: this transaction wrote an order event


class BoardSignal:
    """Whom to wake in this process when a transaction that wrote an order event commits."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def forget(self, callback: Callable[[], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def fire(self) -> None:
        for callback in list(self._listeners):
            callback()


BOARD_CHANGES = BoardSignal()  # this process's open boards (bot/admin/board/hub.py)


class SqlBoardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def cursor(self, org_id: int | None) -> int:
        stmt = select(func.max(OrderEventRow.id))
        if org_id is not None:
            stmt = stmt.where(OrderEventRow.organization_id == org_id)
        return int((await self._s.execute(stmt)).scalar() or 0)

    async def changed(
        self, org_id: int | None, after: int, limit: int
    ) -> list[tuple[int, int, int]]:
        stmt = select(OrderEventRow.id, OrderEventRow.organization_id, OrderEventRow.order_id)
        if org_id is not None:
            stmt = stmt.where(OrderEventRow.organization_id == org_id)
        stmt = stmt.where(OrderEventRow.id > after).order_by(OrderEventRow.id).limit(limit)
        return [(int(a), int(b), int(c)) for a, b, c in (await self._s.execute(stmt)).all()]

    async def on_the_way(self, org_id: int, order_ids: Collection[int]) -> set[int]:
        if not order_ids:
            return set()
        stmt = select(ClientTripRow.order_id).where(
            ClientTripRow.organization_id == org_id,
            ClientTripRow.order_id.in_(list(order_ids)),
            ClientTripRow.channel.is_not(None),
            ClientTripRow.arrived_at.is_(None),
        )
        return {int(i) for i in (await self._s.execute(stmt)).scalars()}

    async def orders(self, org_id: int, order_ids: Collection[int]) -> list[Order]:
        if not order_ids:
            return []
        stmt = select(*COLUMNS).where(
            OrderRow.organization_id == org_id,
            OrderRow.id.in_(list(order_ids)),
        )
        return [order_of(r) for r in (await self._s.execute(stmt)).all()]


async def listen(engine: AsyncEngine, wake: Callable[[], None], stop: asyncio.Event) -> None:
    """PostgreSQL only: `wake` on every board notification until `stop`, reconnecting after a
    lost connection (and waking then, for what was missed meanwhile)."""
    await listen_on(engine, BOARD_CHANNEL, wake, stop)
