"""What a checklist and an acceptance are. The report and the invoice read `OrderPaperwork`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from core.domain import Category


class ItemKind(enum.StrEnum):
    TICK = "tick"  # a tap ticks it
    NUMBER = "number"  # asks for a number, e.g. a meter reading (with its unit)
    PHOTO = "photo"  # takes the next photo sent


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    """One item of a category's checklist as an owner or manager defines it."""

    text: str
    kind: ItemKind = ItemKind.TICK
    required: bool = False
    unit: str | None = None  # for NUMBER items: "kWh", "m³"


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateItem(NewItem):
    id: int
    category_id: int
    position: int


@dataclass(frozen=True, slots=True)
class CategoryChecklist:
    """A category's checklist as owners and managers edit it (/checklist, the admin form)."""

    category: Category
    items: tuple[TemplateItem, ...]
    category_org: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderItem(NewItem):
    """An item as copied onto an order (its snapshot) with the worker's answer."""

    id: int
    order_id: int
    position: int
    done_at: datetime | None = None
    done_by: int | None = None
    number: str | None = None  # the number typed, normalized ("12345.6")
    attachment_id: int | None = None  # the photo that answered it

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistAnswers:
    """An order's checklist in its order, with the answers."""

    order_id: int
    items: tuple[OrderItem, ...] = ()

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ticked(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def missing(self) -> tuple[OrderItem, ...]:
        """Required items not answered yet: what keeps the order from being done."""
        return tuple(item for item in self.items if item.required and not item.done)


class AcceptanceMethod(enum.StrEnum):
    TELEGRAM = "telegram"  # the client tapped "I accept the work" in their chat
    NAME = "name"  # on the client page, with their name typed
    SIGNATURE = "signature"  # drawn on the client page (PNG in the file store)


@dataclass(frozen=True, slots=True, kw_only=True)
class Acceptance:
    order_id: int
    method: AcceptanceMethod
    accepted_at: datetime
    name: str | None = None  # typed on the page (NAME, SIGNATURE)
    signature_key: str | None = None  # the PNG's key in the file store (SIGNATURE)
    on_staff_device: bool = False  # the assignee held out their phone with the page open


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPaperwork:
    """What the service report and the invoice show of the field paperwork, read by one
    storage call (`ChecklistRepository.paperwork`)."""

    checklist: ChecklistAnswers
    acceptance: Acceptance | None = None
