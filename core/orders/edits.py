"""Editing an order after it was created: which of its details may still change, what each
change writes, and the change as the people it concerns are told of it (old and new value).

The time is not among the fields: moving an order is rescheduling (`OrderAction.RESCHEDULE`),
which has its own rule for when it is possible.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

from core.changes import OrderUpdate, given, kept
from core.domain import Order, OrderStatus
from core.errors import DomainError

S = OrderStatus


class Field(enum.StrEnum):
    ADDRESS = "address"
    CATEGORY = "category"
    PRICE = "price"
    DESCRIPTION = "description"


# While an order is open everything may change; once it is done, only the price (extra work
# agreed on the spot, a discount) while the worker may still collect it.
EDITABLE: dict[OrderStatus, frozenset[Field]] = {
    S.NEW: frozenset(Field),
    S.ASSIGNED: frozenset(Field),
    S.IN_PROGRESS: frozenset(Field),
    S.DONE: frozenset({Field.PRICE}),
}
# The event of an edit keeps old and new text of these; erasing an order's details clears it.
PERSONAL = frozenset({Field.ADDRESS, Field.DESCRIPTION})


@dataclass(frozen=True, slots=True)
class FieldEdit:
    """One detail changed, as shown: a category by its name, a price in minor units, an address
    or a description as text; None for 'none'."""

    field: Field
    before: str | int | None
    after: str | int | None


def editable_fields(order: Order) -> list[Field]:
    """What may still change on this order, in the order the card offers it."""
    allowed = EDITABLE.get(order.status, frozenset())
    if order.status is S.DONE and order.settled:
        return []
    if order.line_count:  # its price is the sum of its lines: add a line instead
        allowed = allowed - {Field.PRICE}
    return [f for f in Field if f in allowed]


def require_editable(order: Order, field: Field) -> None:
    if field is Field.PRICE and order.line_count:  # its price is the sum of its lines
        raise DomainError("price_is_lines", number=order.number)
    if field not in editable_fields(order):
        raise DomainError(
            "order_transition", action="edit", status=order.status.value, number=order.number
        )


def columns(field: Field, value: Any) -> OrderUpdate:
    """The order's columns an edit writes (an address: its text and the map point)."""
    if field is Field.ADDRESS:
        place = dict(value or {})
        return OrderUpdate(
            address=place.get("text"), latitude=place.get("lat"), longitude=place.get("lon")
        )
    if field is Field.CATEGORY:
        return OrderUpdate(category_id=int(value) if value is not None else None)
    if field is Field.PRICE:
        return OrderUpdate(price_minor=int(value) if value is not None else None)
    return OrderUpdate(description=value or None)


def unchanged(order: Order, change: OrderUpdate) -> bool:
    return all(getattr(order, column) == value for column, value in given(change).items())


def edited(order: Order, change: OrderUpdate) -> Order:
    """The order as an edit leaves it."""
    return replace(
        order,
        address=kept(change.address, order.address),
        latitude=kept(change.latitude, order.latitude),
        longitude=kept(change.longitude, order.longitude),
        category_id=kept(change.category_id, order.category_id),
        price_minor=kept(change.price_minor, order.price_minor),
        description=kept(change.description, order.description),
    )


def shown(order: Order, field: Field) -> str | int | None:
    """The field's value as a notice names it (a category: its id, named by the caller)."""
    if field is Field.ADDRESS:
        return order.address
    if field is Field.CATEGORY:
        return order.category_id
    if field is Field.PRICE:
        return order.price_minor
    return order.description
