"""Reads of the REST API (docs/rest-api.md): live clients a page at a time, with the e-mail
and the time they last changed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.apikeys.model import ClientItem
from core.clients.search import SearchQuery
from storage.clients.repository import _to_client
from storage.clients.search import search_client_ids
from storage.tables import ClientPhoneRow, ClientRow

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
