"""What client reminders and free times need from storage (storage.client_loop.reminders)."""

from __future__ import annotations

from collections.abc import Collection
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
    async def lock_times(self, org_id: int) -> None:
        """Hold the organization's free times until the transaction ends: a second move in
        the organization waits, then reads the first one's result."""
        ...

    async def claim_key(self, key: str, org_id: int, kind: str, now: datetime) -> bool:
        """Record `key` in the scheduler's sent ledger (False: it already was)."""
        ...
