"""The storage an API key needs: the keys, found by hash, and idempotent answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.apikeys.model import ApiKey, Scope, StoredAnswer


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

    async def answer(self, key_id: int, idempotency_key: str) -> StoredAnswer | None: ...
    async def keep_answer(
        self, key_id: int, idempotency_key: str, answer: StoredAnswer, now: datetime
    ) -> bool:
        """Store the first answer; False when one was stored meanwhile (a concurrent retry)."""
        ...
