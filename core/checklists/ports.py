"""What checklists and acceptances need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.checklists.model import Acceptance, NewItem, OrderItem, OrderPaperwork, TemplateItem


class ChecklistRepository(Protocol):
    async def template(self, org_id: int, category_id: int) -> list[TemplateItem]:
        """The category's checklist in its order (empty: none)."""
        ...

    async def set_template(
        self, org_id: int, category_id: int, items: Sequence[NewItem], now: datetime
    ) -> None:
        """Replace the category's checklist; orders keep the copies they have."""
        ...

    async def put_on_order(self, org_id: int, order_id: int, items: Sequence[NewItem]) -> None:
        """Replace the order's checklist with these items, unanswered."""
        ...

    async def items(self, org_id: int, order_id: int) -> list[OrderItem]: ...
    async def answer(
        self,
        org_id: int,
        order_id: int,
        item_id: int,
        *,
        by: int | None,
        at: datetime | None,
        number: str | None = None,
        attachment_id: int | None = None,
    ) -> OrderItem | None:
        """Set (or with `at` None clear) an item's answer; None: no such item on the order."""
        ...

    async def accept(self, org_id: int, acceptance: Acceptance) -> bool:
        """Record the acceptance once per order; False: the order was accepted already."""
        ...

    async def paperwork(self, org_id: int, order_id: int) -> OrderPaperwork:
        """The order's checklist with answers and its acceptance, in one call."""
        ...
