"""/checklist's "➕ Add item" (issue 20, item 7; docs/checklists.md): owners and managers
add an item to a category's checklist in four short steps: its text, whether it is
required, its kind (tick, number, photo) and, for a number, its unit. The item goes at the
end of the list; orders made earlier keep their copies."""

from __future__ import annotations

from dataclasses import replace

from core.checklists.model import ItemKind, NewItem
from core.checklists.rules import MAX_TEXT, MAX_UNIT, clean
from core.checklists.service import add_item, category_checklist
from core.dialogs.checklist_data import ChecklistItemData
from core.dialogs.engine import DialogInput, Flow, Step, choice_of, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ChecklistItemAdded, Outcome
from core.ports import Clock, UnitOfWork

REQUIRED_CHOICES = {"yes": "yes", "no": "no"}
KIND_CHOICES = {kind.value: kind.value for kind in ItemKind}
NO_UNIT = "none"


def _text(given: DialogInput, data: ChecklistItemData) -> str:
    text = clean(given.text or "", MAX_TEXT + 1)
    if not text or len(text) > MAX_TEXT:
        raise DomainError("checklist_item_text", limit=MAX_TEXT)
    return text


def _unit(given: DialogInput, data: ChecklistItemData) -> str | None:
    """A number's unit typed (`kWh`, `м³`), or none."""
    if given.choice == NO_UNIT:
        return None
    unit = clean(given.text or "", MAX_UNIT + 1)
    if not unit or len(unit) > MAX_UNIT:
        raise DomainError("checklist_item_unit", limit=MAX_UNIT)
    return unit


ITEM_FLOW = Flow(
    ChecklistItemData,
    (
        Step("text", _text),
        Step("required", choice_of(REQUIRED_CHOICES)),
        Step("kind", choice_of(KIND_CHOICES)),
        Step("unit", _unit, skip=lambda d: d.kind != ItemKind.NUMBER.value),
    ),
)


class ChecklistItemSpec(Spec[ChecklistItemData]):
    flow = ITEM_FLOW

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ChecklistItemData
    ) -> ChecklistItemData:
        """The category's name, for the questions (and the check that it may be changed)."""
        if data.name is not None:
            return data
        found = await category_checklist(uow, actor, data.category_id)
        return replace(data, name=found.category.name)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ChecklistItemData
    ) -> Outcome:
        item = NewItem(
            text=required(data.text),
            kind=ItemKind(required(data.kind)),
            required=required(data.required) == "yes",
            unit=data.unit,
        )
        changed = await add_item(uow, self._clock, actor, data.category_id, item)
        return ChecklistItemAdded(changed, item.text)
