"""Reads of the REST API (docs/rest-api.md): live clients a page at a time, with the e-mail
and the time they last changed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.apikeys.model import ClientItem, OrderItem, OrderQuery, PaymentItem
from core.clients.search import SearchQuery
from storage.clients.repository import _to_client
from storage.clients.search import search_client_ids
from storage.orders.repository import to_order
from storage.tables import ClientPhoneRow, ClientRow, OrderEventRow, OrderRow

LIVE = (ClientRow.deleted_at.is_(None), ClientRow.merged_into_id.is_(None))


class SqlApiReadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def client_ids_after(self, org_id: int, after_id: int, limit: int) -> list[int]:
        stmt = (
            select(ClientRow.id)
            .where(ClientRow.organization_id == org_id, ClientRow.id > after_id, *LIVE)
            .order_by(ClientRow.id)
            .limit(limit)
        )
        return [int(i) for i in (await self._s.execute(stmt)).scalars()]

    async def search_ids(
        self, org_id: int, query: SearchQuery, limit: int, offset: int
    ) -> list[int]:
        return await search_client_ids(self._s, org_id, query, limit, offset)

    async def clients(self, org_id: int, ids: Sequence[int]) -> list[ClientItem]:
        if not ids:
            return []
        stmt = (
            select(ClientRow, ClientPhoneRow.phone)
            .outerjoin(ClientPhoneRow, ClientPhoneRow.client_id == ClientRow.id)
            .where(ClientRow.organization_id == org_id, ClientRow.id.in_(ids), *LIVE)
            .order_by(ClientPhoneRow.id)
        )
        rows: dict[int, ClientRow] = {}
        phones: dict[int, list[str]] = {}
        for row, phone in (await self._s.execute(stmt)).all():
            rows[row.id] = row
            if phone is not None:
                phones.setdefault(row.id, []).append(phone)
        return [
            ClientItem(_to_client(rows[i], phones.get(i, [])), rows[i].email, rows[i].updated_at)
            for i in ids
            if i in rows
        ]

    async def orders(
        self, org_id: int, query: OrderQuery, after_id: int, limit: int
    ) -> list[OrderItem]:
        conditions = [OrderRow.organization_id == org_id, OrderRow.id > after_id]
        if query.statuses:
            conditions.append(OrderRow.status.in_(sorted(query.statuses)))
        if query.assignee_id is not None:
            conditions.append(OrderRow.assignee_id == query.assignee_id)
        if query.start is not None:
            conditions.append(OrderRow.scheduled_at >= query.start)
        if query.end is not None:
            conditions.append(OrderRow.scheduled_at < query.end)
        if query.updated_since is not None:
            conditions.append(OrderRow.updated_at >= query.updated_since)
        stmt = select(OrderRow).where(*conditions).order_by(OrderRow.id).limit(limit)
        rows = (await self._s.execute(stmt)).scalars()
        return [OrderItem(to_order(row), row.updated_at) for row in rows]

    async def order(self, org_id: int, order_id: int) -> OrderItem | None:
        stmt = select(OrderRow).where(OrderRow.organization_id == org_id, OrderRow.id == order_id)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return OrderItem(to_order(row), row.updated_at) if row is not None else None

    async def payments(
        self, org_id: int, order_id: int | None, after_id: int, limit: int
    ) -> list[PaymentItem]:
        conditions = [
            OrderEventRow.organization_id == org_id,
            OrderEventRow.kind == "pay",
            OrderEventRow.id > after_id,
        ]
        if order_id is not None:
            conditions.append(OrderEventRow.order_id == order_id)
        stmt = select(OrderEventRow).where(*conditions).order_by(OrderEventRow.id).limit(limit)
        return [
            PaymentItem(
                r.id,
                r.order_id,
                int(r.data.get("amount_minor", 0)),
                str(r.data.get("method", "")),
                r.created_at,
            )
            for r in (await self._s.execute(stmt)).scalars()
        ]
