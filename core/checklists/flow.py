"""The chat's questions for a checklist's number and photo items: a tap on a number item (a
meter reading) asks for the number, the typed answer is checked and saved; a tap on a photo
item asks for a photo, and the next photo sent in that chat answers it (`answer_item`)."""

from __future__ import annotations

from dataclasses import replace

from core.checklists.model import ItemKind, OrderItem
from core.checklists.rules import parse_number
from core.checklists.service import answer_item, workable
from core.dialogs.checklist_data import ChecklistNumberData, ChecklistPhotoData
from core.dialogs.engine import DialogInput, Flow, Step, required
from core.dialogs.service import Spec
from core.domain import Actor, Order
from core.errors import DomainError
from core.outcomes import ChecklistAnswered, Outcome
from core.ports import Clock, UnitOfWork


def _reading(given: DialogInput, data: ChecklistNumberData) -> str:
    text = " ".join((given.text or "").split())
    parse_number(text)  # DomainError asks again
    return text


def _photo(given: DialogInput, data: ChecklistPhotoData) -> int:
    if given.photo is None:  # typed text: asks for the photo again
        raise DomainError("checklist_photo")
    return given.photo


async def _asked(
    uow: UnitOfWork, actor: Actor, order_id: int, item_id: int, kind: ItemKind
) -> tuple[Order, OrderItem]:
    """The order and the tapped item of that kind (the question names them)."""
    order = await workable(uow, actor, order_id)
    items = await uow.checklists.items(order.organization_id, order.id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None or item.kind is not kind:
        raise DomainError("not_found")
    return order, item


async def _answered(
    uow: UnitOfWork, actor: Actor, item: OrderItem, number: int, photo: bool = False
) -> ChecklistAnswered:
    answers = await uow.checklists.items(item_org(actor), item.order_id)
    ticked = sum(1 for i in answers if i.done)
    return ChecklistAnswered(
        item.order_id, number, item.text, item.number or "", item.unit, ticked, len(answers),
        photo=photo,
    )  # fmt: skip


class ChecklistNumberSpec(Spec[ChecklistNumberData]):
    flow = Flow(ChecklistNumberData, (Step("reading", _reading),))

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ChecklistNumberData
    ) -> ChecklistNumberData:
        """The order's number and the item's text and unit, for the question."""
        if data.number is not None:
            return data
        order, item = await _asked(uow, actor, data.order_id, data.item_id, ItemKind.NUMBER)
        return replace(data, number=order.number, text=item.text, unit=item.unit)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ChecklistNumberData
    ) -> Outcome:
        item = await answer_item(
            uow, self._clock, actor, data.order_id, data.item_id, required(data.reading)
        )
        return await _answered(uow, actor, item, required(data.number))


class ChecklistPhotoSpec(Spec[ChecklistPhotoData]):
    """The photo is kept as a file of the order before the answer (the chat handler,
    `handlers.orders.checklist_photo`); the answer checks it is a photo of that order."""

    flow = Flow(ChecklistPhotoData, (Step("photo", _photo),))

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ChecklistPhotoData
    ) -> ChecklistPhotoData:
        if data.number is not None:
            return data
        order, item = await _asked(uow, actor, data.order_id, data.item_id, ItemKind.PHOTO)
        return replace(data, number=order.number, text=item.text)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ChecklistPhotoData
    ) -> Outcome:
        photo = required(data.photo)
        item = await answer_item(
            uow, self._clock, actor, data.order_id, data.item_id, attachment_id=photo
        )
        return await _answered(uow, actor, item, required(data.number), photo=True)


def item_org(actor: Actor) -> int:
    assert actor.organization is not None
    return actor.organization.id
