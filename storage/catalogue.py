"""The services catalogue and line items in SQL (`core.catalogue.ports`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.model import (
    CatalogueItem,
    ItemChange,
    ItemKind,
    LineItem,
    NewItem,
    NewLine,
)
from storage.columns import columns
from storage.tables_catalogue import CatalogueItemRow, LineItemRow

_item = CatalogueItemRow.__table__
_line = LineItemRow.__table__


def _to_item(row: CatalogueItemRow) -> CatalogueItem:
    assert row.id is not None
    return CatalogueItem(
        id=row.id,
        organization_id=row.organization_id,
        kind=ItemKind(row.kind),
        name=row.name,
        unit=row.unit,
        price_minor=row.price_minor,
        vat_bp=row.vat_bp,
        category_id=row.category_id,
        archived=row.archived_at is not None,
        updated_at=row.updated_at,
    )


def to_line(row: LineItemRow) -> LineItem:
    """A line item of an order or of a quote (storage/quotes.py reads them with this too)."""
    assert row.id is not None
    return LineItem(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        position=row.position,
        item_id=row.item_id,
        name=row.name,
        unit=row.unit,
        quantity_milli=row.quantity_milli,
        unit_price_minor=row.unit_price_minor,
        discount_minor=row.discount_minor,
        vat_bp=row.vat_bp,
        created_by=row.created_by,
        created_at=row.created_at,
        quote_id=row.quote_id,
    )


class SqlCatalogueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def items(self, org_id: int, archived: bool = False) -> list[CatalogueItem]:
        stmt = select(CatalogueItemRow).where(CatalogueItemRow.organization_id == org_id)
        if not archived:
            stmt = stmt.where(_item.c.archived_at.is_(None))
        stmt = stmt.order_by(CatalogueItemRow.name, CatalogueItemRow.id)
        return [_to_item(r) for r in (await self._s.execute(stmt)).scalars()]

    async def item(self, org_id: int, item_id: int) -> CatalogueItem | None:
        stmt = select(CatalogueItemRow).where(
            CatalogueItemRow.organization_id == org_id, CatalogueItemRow.id == item_id
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _to_item(row) if row else None

    async def add_item(self, org_id: int, now: datetime, new: NewItem) -> CatalogueItem:
        row = CatalogueItemRow(
            organization_id=org_id, created_at=now, updated_at=now, **columns(new)
        )
        self._s.add(row)
        await self._s.flush()
        return _to_item(row)

    async def change_item(
        self, org_id: int, item_id: int, now: datetime, change: ItemChange
    ) -> CatalogueItem | None:
        stmt = (
            update(CatalogueItemRow)
            .where(CatalogueItemRow.organization_id == org_id, CatalogueItemRow.id == item_id)
            .values(**columns(change), updated_at=now)
            .returning(CatalogueItemRow)
            .execution_options(synchronize_session=False)
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _to_item(row) if row else None

    async def lines(
        self, org_id: int, order_ids: Sequence[int]
    ) -> dict[int, tuple[LineItem, ...]]:
        if not order_ids:
            return {}
        stmt = (
            select(LineItemRow)
            .where(LineItemRow.organization_id == org_id, _line.c.order_id.in_(order_ids))
            .order_by(_line.c.order_id, LineItemRow.position, LineItemRow.id)
            .execution_options(populate_existing=True)  # read after a change in this session
        )
        found: dict[int, list[LineItem]] = {}
        for row in (await self._s.execute(stmt)).scalars():
            line = to_line(row)
            found.setdefault(line.order_id or 0, []).append(line)
        return {order_id: tuple(lines) for order_id, lines in found.items()}

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
        if line is None:
            values: dict[str, object] = {
                "name": None,
                "quantity_milli": 1000,
                "unit_price_minor": agreed_minor,
            }
        else:
            values = {
                "name": line.name,
                "unit": line.unit,
                "quantity_milli": line.quantity_milli,
                "unit_price_minor": line.unit_price_minor,
                "discount_minor": line.discount_minor,
                "vat_bp": line.vat_bp,
                "item_id": line.item_id,
            }
        row = LineItemRow(
            organization_id=org_id,
            order_id=order_id,
            position=position,
            created_by=created_by,
            created_at=now,
            **values,
        )
        self._s.add(row)
        await self._s.flush()
        return to_line(row)

    async def change_line(
        self, org_id: int, order_id: int, line_id: int, quantity_milli: int
    ) -> LineItem | None:
        stmt = (
            update(LineItemRow)
            .where(*_of_order(org_id, order_id), LineItemRow.id == line_id)
            .values(quantity_milli=quantity_milli)
            .returning(*_line.c)
            .execution_options(synchronize_session=False)
        )
        row = (await self._s.execute(stmt)).one_or_none()
        return _returned(row._mapping) if row else None

    async def remove_line(self, org_id: int, order_id: int, line_id: int) -> LineItem | None:
        stmt = (
            delete(LineItemRow)
            .where(*_of_order(org_id, order_id), LineItemRow.id == line_id)
            .returning(*_line.c)
            .execution_options(synchronize_session=False)
        )
        row = (await self._s.execute(stmt)).one_or_none()
        if row is None:
            return None
        removed = _returned(row._mapping)
        later = (
            update(LineItemRow)
            .where(*_of_order(org_id, order_id), LineItemRow.position > removed.position)
            .values(position=LineItemRow.position - 1)
            .execution_options(synchronize_session=False)
        )
        await self._s.execute(later)
        return removed


def _of_order(org_id: int, order_id: int) -> list[Any]:
    return [LineItemRow.organization_id == org_id, _line.c.order_id == order_id]


def _returned(values: Mapping[str, Any]) -> LineItem:
    """A line from the columns a statement returned (no entity: one loaded earlier in the
    session would still hold the values from before the statement)."""
    return to_line(LineItemRow(**values))
