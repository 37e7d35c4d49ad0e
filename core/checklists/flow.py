"""The chat's question for a number item of a checklist (a meter reading): a tap on the item
asks for the number, the typed answer is checked and saved (`answer_item`)."""

from __future__ import annotations

from dataclasses import replace

from core.checklists.model import ItemKind
from core.checklists.rules import parse_number
from core.checklists.service import answer_item, workable
from core.dialogs.data import ChecklistNumberData
from core.dialogs.engine import DialogInput, Flow, Step, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ChecklistAnswered, Outcome
from core.ports import Clock, UnitOfWork


def _reading(given: DialogInput, data: ChecklistNumberData) -> str:
    text = " ".join((given.text or "").split())
    parse_number(text)  # DomainError asks again
    return text


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
        order = await workable(uow, actor, data.order_id)
        items = await uow.checklists.items(order.organization_id, order.id)
        item = next((i for i in items if i.id == data.item_id), None)
        if item is None or item.kind is not ItemKind.NUMBER:
            raise DomainError("not_found")
        return replace(data, number=order.number, text=item.text, unit=item.unit)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ChecklistNumberData
    ) -> Outcome:
        item = await answer_item(
            uow, self._clock, actor, data.order_id, data.item_id, required(data.reading)
        )
        answers = await uow.checklists.items(item_org(actor), data.order_id)
        ticked = sum(1 for i in answers if i.done)
        value = item.number or ""
        number = required(data.number)
        return ChecklistAnswered(
            data.order_id, number, item.text, value, item.unit, ticked, len(answers)
        )


def item_org(actor: Actor) -> int:
    assert actor.organization is not None
    return actor.organization.id
