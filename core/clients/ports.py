"""Ports of clients: the client cards (search, duplicates by phone, merges, company details)
and their events. Part of the unit of work (`core.ports.UnitOfWork`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from core.changes import ClientChange
from core.clients.search import SearchQuery
from core.companies.model import Company
from core.domain import Client


class ClientRepository(Protocol):
    async def many(self, org_id: int, ids: Sequence[int]) -> list[Client]: ...
    async def get(self, org_id: int, client_id: int) -> Client | None: ...
    async def add(
        self,
        org_id: int,
        name: str,
        phones: Sequence[str],
        address: str | None,
        notes: str | None,
        now: datetime,
    ) -> Client: ...
    async def update(
        self, org_id: int, client_id: int, now: datetime, change: ClientChange
    ) -> Client: ...
    async def by_phone(self, org_id: int, phone: str) -> list[Client]: ...
    async def search(
        self, org_id: int, query: SearchQuery, limit: int = 20, offset: int = 0
    ) -> list[Client]: ...
    async def merge(self, org_id: int, keep_id: int, other_id: int, now: datetime) -> Client: ...
    async def set_company(
        self, org_id: int, client_id: int, company: Company | None, now: datetime
    ) -> Client:
        """The card's company details, or none (None): the client is a person again."""
        ...

    async def add_event(
        self,
        org_id: int,
        client_id: int,
        actor_id: int | None,
        kind: str,
        data: dict[str, Any],
        now: datetime,
    ) -> None: ...
