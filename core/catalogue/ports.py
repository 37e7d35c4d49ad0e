"""What the catalogue and the line items need from storage; every method is scoped by
organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.catalogue.model import CatalogueItem, ItemChange, LineItem, NewItem, NewLine


class CatalogueRepository(Protocol):
    async def items(self, org_id: int, archived: bool = False) -> list[CatalogueItem]:
        """The organization's items by name; `archived`: also the archived ones."""
        ...

    async def item(self, org_id: int, item_id: int) -> CatalogueItem | None: ...
    async def add_item(self, org_id: int, now: datetime, new: NewItem) -> CatalogueItem: ...
    async def change_item(
        self, org_id: int, item_id: int, now: datetime, change: ItemChange
    ) -> CatalogueItem | None: ...

    async def lines(
        self, org_id: int, order_ids: Sequence[int]
    ) -> dict[int, tuple[LineItem, ...]]:
        """The lines of these orders by order, each in position order."""
        ...

    async def add_line(
        self,
        org_id: int,
        order_id: int,
        position: int,
        line: NewLine | None,
        created_by: int | None,
        now: datetime,
        *,
        agreed_minor: int = 0,
    ) -> LineItem:
        """A line at `position`; `line` None: the order's price as agreed before it had
        lines (no name, one unit at `agreed_minor`)."""
        ...

    async def change_line(
        self, org_id: int, order_id: int, line_id: int, quantity_milli: int
    ) -> LineItem | None:
        """The order's line with its new quantity (None: no such line on the order)."""
        ...

    async def remove_line(self, org_id: int, order_id: int, line_id: int) -> LineItem | None:
        """Delete the order's line, the later lines moving up one position (None: no such
        line, e.g. removed by a tap a moment before)."""
        ...
