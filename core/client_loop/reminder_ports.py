"""What client reminders and free times need from storage (storage.client_loop.reminders)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.domain import Order


class ReminderRepository(Protocol):
    async def reminder_orders(self, start: datetime, end: datetime) -> list[Order]:
        """Orders of active organizations with a client, not started, scheduled in
        (start, end], earliest first."""
        ...

    async def busy_times(
        self,
        org_id: int,
        user_ids: Collection[int],
        start: datetime,
        end: datetime,
        other_than: int | None = None,
    ) -> dict[int, list[datetime]]:
        """When each of these people has an order (not done or cancelled) in [start, end),
        the order `other_than` left out."""
        ...

    async def active_workers(self, org_id: int) -> list[int]: ...
    async def claim_keys(
        self, claims: Sequence[tuple[str, int]], kind: str, now: datetime
    ) -> None:
        """Record these (key, organization) in the sent ledger, ignoring keys already there;
        one statement per 500."""
        ...

    async def consented_links(self, client_ids: Collection[int]) -> set[tuple[int, int]]:
        """(organization, client) of these clients linked in Telegram with consent to order
        messages; one statement."""
        ...

    async def orgs_with_secrets(
        self, org_ids: Collection[int], names: Collection[str]
    ) -> set[int]:
        """The organizations among these holding a secret of one of `names`; one statement."""
        ...

    async def lock_times(self, org_id: int) -> None:
        """Hold the organization's free times until the transaction ends: a second move in
        the organization waits, then reads the first one's result."""
        ...

    async def claim_key(self, key: str, org_id: int, kind: str, now: datetime) -> bool:
        """Record `key` in the scheduler's sent ledger (False: it already was)."""
        ...
