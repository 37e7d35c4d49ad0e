"""Orders, their event history and per-day workload; the messages that show them are
`OrderMessages`'s (storage/orders/messages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from core.bundles import CardFacts, OrderPeople
from core.changes import NewOrder, OrderUpdate
from core.domain import (
    OPEN_STATUSES,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
)
from core.orders.listing import OrderFilter
from core.webhooks.events import order_data, order_events
from storage.board import BOARD_FLAG
from storage.columns import columns
from storage.db import written
from storage.orders.card_facts import card_facts, order_people
from storage.orders.messages import OrderMessages
from storage.orders.order_rows import ADD_EVENT, BY_NUMBER, CHANGE, GET, order_of
from storage.tables import OrderEventRow, OrderRow, OrganizationRow
from storage.webhooks import record as webhooks

_OPEN = [s.value for s in OPEN_STATUSES]


def _held(org_id: int, user_id: int, settled_since: datetime) -> list[Any]:
    """Orders that give their assignee a client's contacts: not settled, or settled lately."""
    return [
        OrderRow.organization_id == org_id,
        OrderRow.assignee_id == user_id,
        or_(OrderRow.settled_at.is_(None), OrderRow.settled_at >= settled_since),
    ]


def to_order(row: OrderRow) -> Order:
    return Order(
        id=row.id,
        organization_id=row.organization_id,
        number=row.number,
        client_id=row.client_id,
        category_id=row.category_id,
        status=OrderStatus(row.status),
        address=row.address,
        latitude=row.latitude,
        longitude=row.longitude,
        scheduled_at=row.scheduled_at,
        assignee_id=row.assignee_id,
        price_minor=row.price_minor,
        paid_minor=row.paid_minor,
        payment_method=PaymentMethod(row.payment_method) if row.payment_method else None,
        description=row.description,
        created_by=row.created_by,
        created_at=row.created_at,
        offered_at=row.offered_at,
        version=row.version,
        series_id=row.series_id,
        line_count=row.line_count or 0,
        approval_minor=row.approval_minor,
        approval_declined_at=row.approval_declined_at,
        checklist_count=row.checklist_count or 0,
    )


class SqlOrderRepository(OrderMessages):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._read: dict[tuple[int, int], tuple[object, int, Order | None]] = {}

    async def next_number(self, org_id: int) -> int:
        stmt = (
            update(OrganizationRow)
            .where(OrganizationRow.id == org_id)
            .values(next_order_number=OrganizationRow.next_order_number + 1)
            .returning(OrganizationRow.next_order_number)
        )
        return int((await self._s.execute(stmt)).scalar_one()) - 1

    async def add(self, org_id: int, now: datetime, new: NewOrder) -> Order:
        number = await self.next_number(org_id)
        row = OrderRow(
            organization_id=org_id,
            number=number,
            status=OrderStatus.NEW.value,
            created_at=now,
            updated_at=now,
            **columns(new),
        )
        self._s.add(row)
        await self._s.flush()
        return to_order(row)

    async def get(self, org_id: int, order_id: int) -> Order | None:
        """The order; read once per transaction while nothing is written in it (a tap's
        checks and its change share the read: docs/cpu-per-update.md)."""
        key = (org_id, order_id)
        transaction, writes = self._s.sync_session.get_transaction(), written(self._s)
        seen = self._read.get(key)
        if seen is not None and seen[0] is transaction and seen[1] == writes:
            return seen[2]
        row = (await self._s.execute(GET, {"b_org_id": org_id, "b_id": order_id})).first()
        order = order_of(row) if row else None
        self._read[key] = (transaction, writes, order)
        return order

    async def by_number(self, org_id: int, number: int) -> Order | None:
        params = {"b_org_id": org_id, "b_number": number}
        row = (await self._s.execute(BY_NUMBER, params)).first()
        return order_of(row) if row else None

    async def change(self, order: Order, now: datetime, change: OrderUpdate) -> Order | None:
        """Apply `change` only if nobody changed the order since it was read (its version);
        None means another tap or process got there first."""
        self._read.pop((order.organization_id, order.id), None)
        loaded = self._s.sync_session.identity_map.get(identity_key(OrderRow, order.id))
        if loaded is not None:  # an entity loaded before in this session would be stale
            self._s.expunge(loaded)
        params = {
            **columns(change),
            "version": order.version + 1,
            "updated_at": now,
            "b_org_id": order.organization_id,
            "b_id": order.id,
            "b_version": order.version,
        }
        row = (await self._s.execute(CHANGE, params)).first()
        return order_of(row) if row else None

    async def listing(
        self, org_id: int, query: OrderFilter, limit: int, offset: int
    ) -> list[Order]:
        stmt = (
            select(OrderRow)
            .where(OrderRow.organization_id == org_id, *_conditions(query))
            .order_by(OrderRow.scheduled_at.is_(None), OrderRow.scheduled_at, OrderRow.number)
            .limit(limit)
            .offset(offset)
        )
        return [to_order(r) for r in (await self._s.execute(stmt)).scalars()]

    async def count(self, org_id: int, query: OrderFilter) -> int:
        stmt = (
            select(func.count())
            .select_from(OrderRow)
            .where(OrderRow.organization_id == org_id, *_conditions(query))
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def for_client(self, org_id: int, client_id: int, limit: int = 10) -> list[Order]:
        stmt = (
            select(OrderRow)
            .where(OrderRow.organization_id == org_id, OrderRow.client_id == client_id)
            .order_by(OrderRow.created_at.desc())
            .limit(limit)
        )
        return [to_order(r) for r in (await self._s.execute(stmt)).scalars()]

    async def holds_client(
        self, org_id: int, user_id: int, client_id: int, settled_since: datetime
    ) -> bool:
        stmt = (
            select(OrderRow.id)
            .where(
                *_held(org_id, user_id, settled_since),
                OrderRow.client_id == client_id,
            )
            .limit(1)
        )
        return (await self._s.execute(stmt)).first() is not None

    async def served_clients(self, org_id: int, user_id: int, settled_since: datetime) -> set[int]:
        stmt = select(OrderRow.client_id).where(
            *_held(org_id, user_id, settled_since), OrderRow.client_id.is_not(None)
        )
        return set((await self._s.execute(stmt)).scalars())

    async def card_facts(
        self, org_id: int, orders: Sequence[Order], holders: Sequence[int], settled_since: datetime
    ) -> CardFacts:
        await self._s.flush()  # what this unit of work added (a payment's event) is shown
        return await card_facts(self._s, org_id, orders, holders, settled_since)

    async def people(
        self, org_id: int, user_ids: Sequence[int], shown: int | None = None
    ) -> OrderPeople:
        await self._s.flush()
        return await order_people(self._s, org_id, user_ids, shown)

    async def load(self, org_id: int, start: datetime, end: datetime) -> dict[int, int]:
        """Open or finished orders per assignee scheduled in [start, end)."""
        stmt = (
            select(OrderRow.assignee_id, func.count())
            .where(
                OrderRow.organization_id == org_id,
                OrderRow.assignee_id.is_not(None),
                OrderRow.scheduled_at >= start,
                OrderRow.scheduled_at < end,
                OrderRow.status != OrderStatus.CANCELLED.value,
            )
            .group_by(OrderRow.assignee_id)
        )
        return {uid: int(n) for uid, n in (await self._s.execute(stmt)).all()}

    async def add_event(
        self, order: Order, actor_id: int | None, kind: str, data: dict[str, Any], now: datetime
    ) -> None:
        row = {
            "organization_id": order.organization_id,
            "order_id": order.id,
            "actor_id": actor_id,
            "kind": kind,
            "data": data,
            "created_at": now,
        }
        await self._s.execute(ADD_EVENT, row)
        self._s.info[BOARD_FLAG] = True  # open boards hear of it once this commits
        types = order_events(kind, data)  # webhooks, in this transaction (docs/webhooks.md)
        if types:
            await webhooks.record(
                self._s, order.organization_id, types, order_data(order, kind, data), now
            )

    async def events(self, org_id: int, order_id: int) -> list[OrderEvent]:
        stmt = (
            select(OrderEventRow)
            .where(OrderEventRow.organization_id == org_id, OrderEventRow.order_id == order_id)
            .order_by(OrderEventRow.id)
        )
        return [
            OrderEvent(r.id, r.order_id, r.actor_id, r.kind, dict(r.data), r.created_at)
            for r in (await self._s.execute(stmt)).scalars()
        ]


def _conditions(query: OrderFilter) -> list[Any]:
    conditions: list[Any] = []
    if query.statuses:
        conditions.append(OrderRow.status.in_([s.value for s in query.statuses]))
    if query.assignee_id is not None:
        conditions.append(OrderRow.assignee_id == query.assignee_id)
    if query.unassigned:
        conditions.append(OrderRow.assignee_id.is_(None))
    if query.start is not None and query.end is not None:
        conditions.append(
            and_(OrderRow.scheduled_at >= query.start, OrderRow.scheduled_at < query.end)
        )
    if query.offered_or_assignee is not None:
        conditions.append(
            or_(
                OrderRow.assignee_id == query.offered_or_assignee,
                and_(OrderRow.offered_at.is_not(None), OrderRow.status == "new"),
            )
        )
    return conditions
