"""The catalogue's use cases: every member may read the active items (a worker picks one on
site); owners and managers add, edit, archive and restore them (`CATALOGUE_MANAGE`), from
/services in the chat or the admin page. One unit of work each; every change is audited."""

from __future__ import annotations

from dataclasses import replace

from core.catalogue.model import (
    MAX_PRICE_MINOR,
    CatalogueItem,
    ItemChange,
    NewItem,
    check_item,
)
from core.changes import given
from core.domain import Actor
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction

MAX_ITEMS = 500  # per organization


class CatalogueService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def items(self, actor: Actor, archived: bool = False) -> list[CatalogueItem]:
        """The active items by name (`archived`: all of them, for those who manage them)."""
        org_id = _org(actor)
        require(actor, Action.CATALOGUE_MANAGE if archived else Action.ORDER_WORK_OWN)
        async with self._uow() as uow:
            return await uow.catalogue.items(org_id, archived)

    async def item(self, actor: Actor, item_id: int) -> CatalogueItem:
        require(actor, Action.ORDER_WORK_OWN)
        async with self._uow() as uow:
            return await _found(uow, _org(actor), item_id)

    async def add(self, actor: Actor, new: NewItem) -> CatalogueItem:
        async with self._uow() as uow:
            item = await self.add_in(uow, actor, new)
            await uow.commit()
            return item

    async def add_in(self, uow: UnitOfWork, actor: Actor, new: NewItem) -> CatalogueItem:
        """Add an item in the caller's unit of work (a chat update's)."""
        org_id = _org(actor)
        require(actor, Action.CATALOGUE_MANAGE)
        new = check_item(new)
        await _check_category(uow, org_id, new.category_id)
        if len(await uow.catalogue.items(org_id, archived=True)) >= MAX_ITEMS:
            raise DomainError("catalogue_full", limit=MAX_ITEMS)
        item = await uow.catalogue.add_item(org_id, self._clock.now(), new)
        await self._audit(uow, actor, "add", item)
        return item

    async def change(self, actor: Actor, item_id: int, change: ItemChange) -> CatalogueItem:
        async with self._uow() as uow:
            item = await self.change_in(uow, actor, item_id, change)
            await uow.commit()
            return item

    async def change_in(
        self, uow: UnitOfWork, actor: Actor, item_id: int, change: ItemChange
    ) -> CatalogueItem:
        """Edit an item: what `change` sets is checked as a new item's would be."""
        org_id = _org(actor)
        require(actor, Action.CATALOGUE_MANAGE)
        current = await _found(uow, org_id, item_id)
        merged = NewItem(
            kind=current.kind,
            name=current.name,
            unit=current.unit,
            price_minor=current.price_minor,
            vat_bp=current.vat_bp,
            category_id=current.category_id,
        )
        values = {k: v for k, v in given(change).items() if k != "archived_at"}
        checked = check_item(replace(merged, **values))  # type: ignore[arg-type]
        if "category_id" in values:
            await _check_category(uow, org_id, checked.category_id)
        clean = replace(
            change,
            **{k: getattr(checked, k) for k in values if k in ("name", "unit", "kind")},
        )
        item = await uow.catalogue.change_item(org_id, item_id, self._clock.now(), clean)
        if item is None:
            raise DomainError("not_found")
        await self._audit(uow, actor, "edit", item)
        return item

    async def set_price(self, actor: Actor, item_id: int, price_minor: int) -> CatalogueItem:
        return await self.change(actor, item_id, _price(price_minor))

    async def set_price_in(
        self, uow: UnitOfWork, actor: Actor, item_id: int, price_minor: int
    ) -> CatalogueItem:
        return await self.change_in(uow, actor, item_id, _price(price_minor))

    async def archive(self, actor: Actor, item_id: int, archived: bool = True) -> CatalogueItem:
        """Archive an item (offered no more; lines that name it stay) or restore it."""
        when = self._clock.now() if archived else None
        return await self.change(actor, item_id, ItemChange(archived_at=when))

    async def _audit(self, uow: UnitOfWork, actor: Actor, what: str, item: CatalogueItem) -> None:
        """An entry of ids and codes only (the item's name stays out of the log)."""
        await record(
            uow, actor, AuditAction.SETTING_CHANGED, self._clock.now(),
            ("catalogue_item", item.id), name="catalogue", change=what,
            price_minor=item.price_minor, archived=item.archived,
        )  # fmt: skip


def _price(price_minor: int) -> ItemChange:
    if not 0 <= price_minor <= MAX_PRICE_MINOR:
        raise DomainError("money_range", example="1500")
    return ItemChange(price_minor=price_minor)


def _org(actor: Actor) -> int:
    if actor.organization is None or actor.role is None:
        raise DomainError("no_organization")
    return actor.organization.id


async def _found(uow: UnitOfWork, org_id: int, item_id: int) -> CatalogueItem:
    item = await uow.catalogue.item(org_id, item_id)
    if item is None:
        raise DomainError("not_found")
    return item


async def _check_category(uow: UnitOfWork, org_id: int, category_id: int | None) -> None:
    if category_id is None:
        return
    if category_id not in {c.id for c in await uow.categories.listing(org_id)}:
        raise DomainError("not_found")
