"""The conversations of checklists, typed: an order's number or photo item answered
(`core.checklists.flow`) and /checklist's new item (`core.checklists.define_flow`). Stored and
read back by `core.dialogs.data` like every flow's data."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs.engine import DialogData


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistNumberData(DialogData):
    """A number item of an order's checklist tapped (`core.checklists.flow`): the number
    typed (`reading`), and the order's number, the item's text and unit for the question."""

    flow = "checklist_number"
    order_id: int
    item_id: int
    number: int | None = None
    text: str | None = None
    unit: str | None = None
    reading: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistItemData(DialogData):
    """/checklist's "➕ Add item" (`core.checklists.define_flow`): the item's text, whether it
    is required (`yes`/`no`), its kind (`tick`, `number`, `photo`) and a number's unit
    (blank: none); the category's name for the questions."""

    flow = "checklist_item"
    category_id: int
    name: str | None = None
    text: str | None = None
    required: str | None = None
    kind: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistPhotoData(DialogData):
    """A photo item of an order's checklist tapped (`core.checklists.flow`): the next photo
    sent in the chat (`photo`, its attachment id), and the order's number and the item's text
    for the question."""

    flow = "checklist_photo"
    order_id: int
    item_id: int
    number: int | None = None
    text: str | None = None
    photo: int | None = None
