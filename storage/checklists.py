"""Checklists and acceptances in SQL (`core.checklists.ports`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.checklists.model import (
    Acceptance,
    AcceptanceMethod,
    ChecklistAnswers,
    ItemKind,
    NewItem,
    OrderItem,
    OrderPaperwork,
    TemplateItem,
)
from storage.tables import OrderRow
from storage.tables_checklists import AcceptanceRow, ChecklistTemplateRow, OrderChecklistRow

_template = ChecklistTemplateRow.__table__
_items = OrderChecklistRow.__table__
_accepted = AcceptanceRow.__table__
_order = OrderRow.__table__


def _order_item(row: Any) -> OrderItem:
    return OrderItem(
        id=row.id,
        order_id=row.order_id,
        position=row.position,
        text=row.text,
        kind=ItemKind(row.kind),
        required=bool(row.required),
        unit=row.unit,
        done_at=row.done_at,
        done_by=row.done_by,
        number=row.number,
        attachment_id=row.attachment_id,
    )


def _acceptance(row: Any) -> Acceptance:
    return Acceptance(
        order_id=row.order_id,
        method=AcceptanceMethod(row.method),
        accepted_at=row.accepted_at,
        name=row.name,
        signature_key=row.signature_key,
        on_staff_device=bool(row.on_staff_device),
    )


def _values(item: NewItem, position: int) -> dict[str, object]:
    return {
        "position": position,
        "text": item.text,
        "kind": item.kind.value,
        "required": item.required,
        "unit": item.unit,
    }


class SqlChecklistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def template(self, org_id: int, category_id: int) -> list[TemplateItem]:
        rows = await self._s.execute(
            select(_template)
            .where(_template.c.organization_id == org_id, _template.c.category_id == category_id)
            .order_by(_template.c.position, _template.c.id)
        )
        return [
            TemplateItem(
                id=r.id,
                category_id=r.category_id,
                position=r.position,
                text=r.text,
                kind=ItemKind(r.kind),
                required=bool(r.required),
                unit=r.unit,
            )
            for r in rows
        ]

    async def set_template(
        self, org_id: int, category_id: int, items: Sequence[NewItem], now: datetime
    ) -> None:
        await self._s.execute(
            delete(_template).where(
                _template.c.organization_id == org_id, _template.c.category_id == category_id
            )
        )
        if items:
            rows = [
                {
                    "organization_id": org_id,
                    "category_id": category_id,
                    "created_at": now,
                    **_values(item, i),
                }
                for i, item in enumerate(items)
            ]
            await self._s.execute(insert(_template), rows)

    async def put_on_order(self, org_id: int, order_id: int, items: Sequence[NewItem]) -> None:
        await self._s.execute(
            delete(_items).where(_items.c.organization_id == org_id, _items.c.order_id == order_id)
        )
        if items:
            rows = [
                {"organization_id": org_id, "order_id": order_id, **_values(item, i)}
                for i, item in enumerate(items)
            ]
            await self._s.execute(insert(_items), rows)
        counted = _order.c.organization_id == org_id, _order.c.id == order_id
        await self._s.execute(update(_order).where(*counted).values(checklist_count=len(items)))

    async def items(self, org_id: int, order_id: int) -> list[OrderItem]:
        rows = await self._s.execute(
            select(_items)
            .where(_items.c.organization_id == org_id, _items.c.order_id == order_id)
            .order_by(_items.c.position, _items.c.id)
        )
        return [_order_item(r) for r in rows]

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
        statement = (
            update(_items)
            .where(
                _items.c.organization_id == org_id,
                _items.c.order_id == order_id,
                _items.c.id == item_id,
            )
            .values(done_at=at, done_by=by, number=number, attachment_id=attachment_id)
            .returning(*_items.c)
        )
        row = (await self._s.execute(statement)).first()
        return _order_item(row) if row is not None else None

    async def accept(self, org_id: int, acceptance: Acceptance) -> bool:
        insert_ = pg_insert if self._s.bind.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert_(_accepted)
            .values(
                order_id=acceptance.order_id,
                organization_id=org_id,
                method=acceptance.method.value,
                accepted_at=acceptance.accepted_at,
                name=acceptance.name,
                signature_key=acceptance.signature_key,
                on_staff_device=acceptance.on_staff_device,
            )
            .on_conflict_do_nothing(index_elements=["order_id"])
            .returning(_accepted.c.order_id)
        )
        return (await self._s.execute(statement)).scalar_one_or_none() is not None

    async def paperwork(self, org_id: int, order_id: int) -> OrderPaperwork:
        items = await self.items(org_id, order_id)
        row = (
            await self._s.execute(
                select(_accepted).where(
                    _accepted.c.organization_id == org_id, _accepted.c.order_id == order_id
                )
            )
        ).first()
        return OrderPaperwork(
            checklist=ChecklistAnswers(order_id=order_id, items=tuple(items)),
            acceptance=_acceptance(row) if row is not None else None,
        )
