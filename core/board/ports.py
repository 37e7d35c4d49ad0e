"""What the board reads that no other repository answers."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from core.domain import Order


class BoardRepository(Protocol):
    async def cursor(self, org_id: int | None) -> int:
        """The id of the organization's last order event (None: of all; 0: none)."""
        ...

    async def changed(
        self, org_id: int | None, after: int, limit: int
    ) -> list[tuple[int, int, int]]:
        """(event id, organization id, order id) of order events after `after`, by id, of one
        organization (None: all)."""
        ...

    async def on_the_way(self, org_id: int, order_ids: Collection[int]) -> set[int]:
        """Which of these orders have an assignee on the way (the client was told)."""
        ...

    async def orders(self, org_id: int, order_ids: Collection[int]) -> list[Order]: ...
