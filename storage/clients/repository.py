"""Clients with their phone numbers, search, and client events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.changes import ClientChange
from core.clients.search import SearchQuery, company_terms, search_document
from core.companies.model import Company
from core.domain import Client
from core.text import search_key
from core.webhooks.events import EventType, client_data
from storage.clients.company import company_of, company_values
from storage.clients.search import search_client_ids
from storage.columns import columns
from storage.tables import ClientEventRow, ClientPhoneRow, ClientRow, OrderRow
from storage.webhooks import record as webhooks


def _to_client(row: ClientRow, phones: Sequence[str]) -> Client:
    return Client(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        phones=tuple(phones),
        address=row.address,
        notes=row.notes,
        created_at=row.created_at,
        restricted_at=row.restricted_at,
        restriction_note=row.restriction_note,
        objected_at=row.objected_at,
        company=company_of(row),
    )


class SqlClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def many(self, org_id: int, ids: Sequence[int]) -> list[Client]:
        """Clients in the order of `ids` (missing or foreign ids are skipped), with their
        phones, in one statement."""
        if not ids:
            return []
        stmt = (
            select(ClientRow, ClientPhoneRow.phone)
            .outerjoin(ClientPhoneRow, ClientPhoneRow.client_id == ClientRow.id)
            .where(ClientRow.organization_id == org_id, ClientRow.id.in_(ids))
            .order_by(ClientPhoneRow.id)
        )
        rows: dict[int, ClientRow] = {}
        phones: dict[int, list[str]] = {}
        for row, phone in (await self._s.execute(stmt)).all():
            rows[row.id] = row
            found = phones.setdefault(row.id, [])
            if phone is not None:
                found.append(phone)
        return [_to_client(rows[i], phones[i]) for i in ids if i in rows]

    async def get(self, org_id: int, client_id: int) -> Client | None:
        found = await self.many(org_id, [client_id])
        return found[0] if found else None

    async def add(
        self,
        org_id: int,
        name: str,
        phones: Sequence[str],
        address: str | None,
        notes: str | None,
        now: datetime,
    ) -> Client:
        row = ClientRow(
            organization_id=org_id,
            name=name,
            name_norm=search_key(name),
            search_text=search_document(name, phones),
            address=address,
            notes=notes,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        for phone in dict.fromkeys(phones):
            self._s.add(ClientPhoneRow(organization_id=org_id, client_id=row.id, phone=phone))
        await self._s.flush()
        await self._webhook(org_id, row.id, EventType.CLIENT_CREATED, now)
        return _to_client(row, list(dict.fromkeys(phones)))

    async def _webhook(
        self,
        org_id: int,
        client_id: int | None,
        event: EventType,
        now: datetime,
        restricted: bool = False,
    ) -> None:
        """Every card made or changed, whichever use case did it (the new-order dialog,
        a website request, the card's edits, a merge): deliveries in this transaction
        (docs/webhooks.md)."""
        assert client_id is not None
        data = client_data(client_id, restricted)
        await webhooks.record(self._s, org_id, [event], data, now)

    async def update(
        self, org_id: int, client_id: int, now: datetime, change: ClientChange
    ) -> Client:
        """Change name, address, notes and/or `phones`, keeping the search document in step."""
        current = await self.get(org_id, client_id)
        assert current is not None
        fields = columns(change)
        phones = fields.pop("phones", None)
        if phones is not None:
            await self._s.execute(
                delete(ClientPhoneRow).where(ClientPhoneRow.client_id == client_id)
            )
            for phone in dict.fromkeys(phones):
                self._s.add(
                    ClientPhoneRow(organization_id=org_id, client_id=client_id, phone=phone)
                )
        name = fields.get("name", current.name)
        values = {
            **fields,
            "updated_at": now,
            "name_norm": search_key(name),
            "search_text": search_document(
                name,
                phones if phones is not None else current.phones,
                company_terms(current.company),
            ),
        }
        await self._s.execute(
            update(ClientRow)
            .where(ClientRow.organization_id == org_id, ClientRow.id == client_id)
            .values(**values)
        )
        await self._s.flush()
        updated = await self.get(org_id, client_id)
        assert updated is not None
        await self._webhook(org_id, client_id, EventType.CLIENT_UPDATED, now, updated.restricted)
        return updated

    async def set_company(
        self, org_id: int, client_id: int, company: Company | None, now: datetime
    ) -> Client:
        """Keep a company's details on the card, or clear them (None), and the search document
        in step (the INN and the registry's names find the card): one UPDATE."""
        current = await self.get(org_id, client_id)
        assert current is not None
        document = search_document(current.name, current.phones, company_terms(company))
        await self._s.execute(
            update(ClientRow)
            .where(ClientRow.organization_id == org_id, ClientRow.id == client_id)
            .values(**company_values(company), search_text=document, updated_at=now)
        )
        updated = await self.get(org_id, client_id)
        assert updated is not None
        await self._webhook(org_id, client_id, EventType.CLIENT_UPDATED, now, updated.restricted)
        return updated

    async def by_phone(self, org_id: int, phone: str) -> list[Client]:
        stmt = (
            select(ClientPhoneRow.client_id)
            .join(ClientRow, ClientRow.id == ClientPhoneRow.client_id)
            .where(
                ClientPhoneRow.organization_id == org_id,
                ClientPhoneRow.phone == phone,
                ClientRow.deleted_at.is_(None),
                ClientRow.merged_into_id.is_(None),
            )
        )
        ids = list(dict.fromkeys((await self._s.execute(stmt)).scalars()))
        return await self.many(org_id, ids)

    async def search(
        self, org_id: int, query: SearchQuery, limit: int = 20, offset: int = 0
    ) -> list[Client]:
        ids = await search_client_ids(self._s, org_id, query, limit, offset)
        return await self.many(org_id, ids)

    async def merge(self, org_id: int, keep_id: int, other_id: int, now: datetime) -> Client:
        """Move the other card's orders and phones onto the kept card; the other is retired."""
        keep, other = await self.get(org_id, keep_id), await self.get(org_id, other_id)
        assert keep is not None and other is not None
        await self._s.execute(
            update(OrderRow)
            .where(OrderRow.organization_id == org_id, OrderRow.client_id == other_id)
            .values(client_id=keep_id)
        )
        await self._s.execute(
            update(ClientRow)
            .where(ClientRow.organization_id == org_id, ClientRow.id == other_id)
            .values(merged_into_id=keep_id, updated_at=now)
        )
        if keep.company is None and other.company is not None:  # the details move too
            await self.set_company(org_id, keep_id, other.company, now)
        notes = "\n".join(n for n in (keep.notes, other.notes) if n) or None
        merged = ClientChange(
            phones=(*keep.phones, *other.phones),
            address=keep.address or other.address,
            notes=notes,
        )
        return await self.update(org_id, keep_id, now, merged)

    async def add_event(
        self,
        org_id: int,
        client_id: int,
        actor_id: int | None,
        kind: str,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        self._s.add(
            ClientEventRow(
                organization_id=org_id,
                client_id=client_id,
                actor_id=actor_id,
                kind=kind,
                data=data,
                created_at=now,
            )
        )
