"""The chat's conversations about lines and the catalogue: "➕ Add line" on an order's card
(a catalogue item and its quantity, or a line typed whole), and /services' "➕ Add" (an item on
one line: `name; unit; price; VAT`) and "✏️ Price"."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from core.catalogue.lines import OrderLines
from core.catalogue.model import ItemKind, NewItem, NewLine, check_item, parse_vat
from core.catalogue.parsing import EXAMPLE, parse_line, parse_price
from core.catalogue.service import CatalogueService
from core.dialogs.catalogue_data import (
    LineQuantityData,
    OrderLineData,
    ServiceNewData,
    ServicePriceData,
)
from core.dialogs.data import Ref
from core.dialogs.engine import DialogInput, Flow, Step, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.money import parse_money
from core.outcomes import OrderChanged, Outcome, ServiceSaved
from core.ports import UnitOfWork

ITEM = "item:"
OFFERED = 24  # catalogue items offered as buttons (the rest: type the line)
ITEM_EXAMPLE = "Замена смесителя; шт; 1500; 20"


class Picking(Protocol):
    """A conversation adding lines: the catalogue items it offered, the person's language."""

    @property
    def items(self) -> tuple[Ref, ...] | None: ...
    @property
    def language(self) -> str | None: ...


def _language(data: Picking | ServiceNewData) -> str:
    return data.language or "en"


def parse_line_answer(given: DialogInput, data: Picking) -> str:
    """A catalogue item tapped, or a whole line typed (a name, a quantity and a price)."""
    if given.choice is not None:
        offered = {f"{ITEM}{ref.id}" for ref in data.items or ()}
        if given.choice not in offered:
            raise DomainError("choose_option")
        return given.choice
    text = " ".join((given.text or "").split())
    parsed = parse_line(text, _language(data))
    if parsed.price_minor is None or not parsed.name:
        raise DomainError("line_invalid", example=EXAMPLE)
    return text


def parse_quantity_answer(given: DialogInput, data: Picking) -> str:
    """The quantity of the item picked: "2,5", "2,5 м", or the "1" button."""
    text = given.choice or given.text or ""
    parsed = parse_line(text, _language(data))
    if parsed.price_minor is not None:
        raise DomainError("line_invalid", example="2,5")
    return " ".join(text.split())


def _picked(data: OrderLineData) -> bool:
    return (data.line or "").startswith(ITEM)


LINE_FLOW = Flow(
    OrderLineData,
    (
        Step("line", parse_line_answer),
        Step("quantity", parse_quantity_answer, skip=lambda d: not _picked(d)),
    ),
)


class OrderLineSpec(Spec[OrderLineData]):
    flow = LINE_FLOW

    def __init__(self, lines: OrderLines) -> None:
        self._lines = lines

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: OrderLineData) -> OrderLineData:
        """The order's number, the active catalogue items, and the person's language."""
        if data.number is not None:
            return data
        order = await self._lines.check(uow, actor, data.order_id)
        items = await uow.catalogue.items(order.organization_id)
        language = actor.user.preferred_language("ru")
        refs = tuple(Ref(i.id, i.name) for i in items[:OFFERED])
        return replace(data, number=order.number, items=refs, language=language)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: OrderLineData
    ) -> Outcome:
        assert actor.organization is not None
        org_id, language = actor.organization.id, _language(data)
        line = await line_of(uow, org_id, required(data.line), data.quantity, language)
        added = await self._lines.add(uow, actor, data.order_id, line)
        return OrderChanged(added.change)


async def line_of(
    uow: UnitOfWork, org_id: int, text: str, quantity: str | None, language: str
) -> NewLine:
    """The line answered: an active catalogue item ("item:<id>") with its quantity, priced
    from the item now, or the line typed whole."""
    if text.startswith(ITEM):
        item = await uow.catalogue.item(org_id, int(text[len(ITEM) :]))
        if item is None or item.archived:
            raise DomainError("not_found")
        counted = parse_line(required(quantity), language)
        return NewLine(
            item.name, counted.quantity_milli, item.price_minor,
            counted.unit or item.unit, 0, item.vat_bp, item.id,
        )  # fmt: skip
    typed = parse_line(text, language)
    return NewLine(
        typed.name or "", typed.quantity_milli, required(typed.price_minor),
        typed.unit, typed.discount_minor,
    )  # fmt: skip


class LineQuantitySpec(Spec[LineQuantityData]):
    """A line's new quantity, from "🧾 Lines" (`OrderLines.edit`)."""

    flow = Flow(LineQuantityData, (Step("quantity", parse_quantity_answer),))

    def __init__(self, lines: OrderLines) -> None:
        self._lines = lines

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: LineQuantityData
    ) -> LineQuantityData:
        if data.number is not None:
            return data
        order = await self._lines.check_edit(uow, actor, data.order_id)
        found = (await uow.catalogue.lines(order.organization_id, [order.id])).get(order.id, ())
        line = next((x for x in found if x.id == data.line_id), None)
        if line is None:
            raise DomainError("line_gone")
        language = actor.user.preferred_language("ru")
        name = line.name or ""
        return replace(
            data, number=order.number, name=name, was=line.quantity_milli, language=language
        )

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: LineQuantityData
    ) -> Outcome:
        quantity = parse_line(required(data.quantity), _language(data)).quantity_milli
        edited = await self._lines.edit(uow, actor, data.order_id, data.line_id, quantity)
        return OrderChanged(edited.change)


def read_item(text: str, language: str, kind: str = "service") -> NewItem:
    """`name; unit; price; VAT` (unit and VAT may be left out: `name; price`)."""
    parts = [p.strip() for p in text.replace("|", ";").split(";")]
    if len(parts) == 2:
        parts = [parts[0], "", parts[1], ""]
    elif len(parts) == 3:
        parts.append("")
    if len(parts) != 4 or not parts[0] or not parts[2]:
        raise DomainError("line_invalid", example=ITEM_EXAMPLE)
    name, unit, price, vat = parts
    return check_item(
        NewItem(
            kind=ItemKind(kind), name=name, unit=unit,
            price_minor=parse_price(price, language), vat_bp=parse_vat(vat),
        )
    )  # fmt: skip


def _item(given: DialogInput, data: ServiceNewData) -> str:
    text = " ".join((given.text or "").split())
    read_item(text, _language(data), data.kind)
    return text


class ServiceNewSpec(Spec[ServiceNewData]):
    flow = Flow(ServiceNewData, (Step("item", _item),))

    def __init__(self, catalogue: CatalogueService) -> None:
        self._catalogue = catalogue

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: ServiceNewData) -> ServiceNewData:
        if data.language is not None:
            return data
        return replace(data, language=actor.user.preferred_language("ru"))

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ServiceNewData
    ) -> Outcome:
        new = read_item(required(data.item), _language(data), data.kind)
        item = await self._catalogue.add_in(uow, actor, new)
        return ServiceSaved(item.id, item.name)


def _price(given: DialogInput, data: ServicePriceData) -> int:
    return parse_money(given.number or given.text)


class ServicePriceSpec(Spec[ServicePriceData]):
    flow = Flow(ServicePriceData, (Step("price", _price),))

    def __init__(self, catalogue: CatalogueService) -> None:
        self._catalogue = catalogue

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ServicePriceData
    ) -> ServicePriceData:
        if data.name is not None:
            return data
        assert actor.organization is not None
        item = await uow.catalogue.item(actor.organization.id, data.item_id)
        if item is None:
            raise DomainError("not_found")
        return replace(data, name=item.name)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ServicePriceData
    ) -> Outcome:
        item = await self._catalogue.set_price_in(uow, actor, data.item_id, required(data.price))
        return ServiceSaved(item.id, item.name)
