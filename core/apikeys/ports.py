"""The storage an API key needs: the keys, found by hash, and idempotent answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.apikeys.model import (
    ApiKey,
    ClientItem,
    OrderItem,
    OrderQuery,
    PaymentItem,
    Scope,
    StoredAnswer,
)
from core.clients.search import SearchQuery


class ApiKeyRepository(Protocol):
    async def add(
        self,
        org_id: int,
        user_id: int,
        name: str,
        scopes: Sequence[Scope],
        key_hash: str,
        prefix: str,
        now: datetime,
    ) -> ApiKey: ...
    async def by_hash(self, key_hash: str) -> ApiKey | None: ...
    async def listing(self, org_id: int) -> list[ApiKey]:
        """The organization's keys that are not revoked, oldest first."""
        ...

    async def touch(self, key_id: int, now: datetime) -> None: ...
    async def revoke(self, org_id: int, key_id: int, now: datetime) -> ApiKey | None:
        """Revoke if not revoked yet; the key as it was, or None when there was none."""
        ...

    async def answer(
        self, key_id: int, idempotency_key: str, since: datetime
    ) -> StoredAnswer | None:
        """The answer kept since `since` (older ones are forgotten, then dropped)."""
        ...

    async def keep_answer(
        self, key_id: int, idempotency_key: str, answer: StoredAnswer, now: datetime
    ) -> bool:
        """Store the first answer; False when one was stored meanwhile (a concurrent retry)."""
        ...


class ApiReadRepository(Protocol):
    """Reads of the REST API: live clients (not merged, not erased) a page at a time."""

    async def client_ids_after(self, org_id: int, after_id: int, limit: int) -> list[int]: ...
    async def search_ids(
        self, org_id: int, query: SearchQuery, limit: int, offset: int
    ) -> list[int]: ...
    async def clients(self, org_id: int, ids: Sequence[int]) -> list[ClientItem]:
        """The live ones among `ids`, in that order."""
        ...

    async def orders(
        self, org_id: int, query: OrderQuery, after_id: int, limit: int
    ) -> list[OrderItem]:
        """Orders matching `query` by id after `after_id`."""
        ...

    async def order(self, org_id: int, order_id: int) -> OrderItem | None: ...
    async def payments(
        self, org_id: int, order_id: int | None, after_id: int, limit: int
    ) -> list[PaymentItem]: ...
