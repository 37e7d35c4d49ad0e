"""What the board shows: one card per order (the columns of the Today view, the blocks of the
week calendar), the workers' rows with their absences, and the cursor of the live feed (the
id of the last order event the snapshot includes, so a reconnect asks only for what came
after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.availability.rules import Absence
from core.domain import OrderStatus
from core.notifications.schedule import overdue
from core.orders.areas import area_of
from core.views import OrderCard

# The Today view's columns, in order.
COLUMNS: tuple[str, ...] = (
    "new",
    "offered",
    "assigned",
    "on_the_way",
    "in_progress",
    "done",
    "paid",
    "cancelled",
)
MAX_ORDERS = 1000  # orders of one day or week on the board (a dispatcher's ten workers: ~300)
SEARCH_MAX = 100


def column_of(card: OrderCard, on_the_way: bool) -> str:
    order = card.order
    if order.status is OrderStatus.NEW:
        return "offered" if order.offered_at is not None else "new"
    if order.status is OrderStatus.ASSIGNED:
        return "on_the_way" if on_the_way else "assigned"
    if order.status is OrderStatus.DONE:
        due = order.price_minor or 0
        return "paid" if due > 0 and order.paid_minor >= due else "done"
    return order.status.value


@dataclass(frozen=True, slots=True)
class BoardCard:
    id: int
    number: int
    version: int
    column: str
    status: str
    scheduled_at: datetime | None
    client: str | None
    phone: str | None
    area: str | None
    assignee_id: int | None
    assignee: str | None
    category_id: int | None
    category: str | None
    price_minor: int | None
    paid_minor: int
    overdue: bool
    confirmed: bool


def board_card(card: OrderCard, on_the_way: bool, now: datetime) -> BoardCard:
    order = card.order
    client = card.client
    late = order.scheduled_at is not None and overdue(now, order.scheduled_at, 0, order.status)
    return BoardCard(
        id=order.id,
        number=order.number,
        version=order.version,
        column=column_of(card, on_the_way),
        status=order.status.value,
        scheduled_at=order.scheduled_at,
        client=client.name if client is not None else None,
        phone=client.phones[0] if client is not None and client.phones else None,
        area=card.area or area_of(order.address),
        assignee_id=order.assignee_id,
        assignee=card.assignee.display_name if card.assignee is not None else None,
        category_id=order.category_id,
        category=card.category,
        price_minor=order.price_minor,
        paid_minor=order.paid_minor,
        overdue=late,
        confirmed=card.client_confirmed_at is not None,
    )


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class BoardView:
    """A day (`days` has one) or a week (seven) of the organization, in its zone."""

    zone: str
    currency: str
    days: tuple[date, ...]
    visit_minutes: int
    workers: tuple[Person, ...]
    categories: tuple[Person, ...]
    cards: tuple[BoardCard, ...]
    absences: tuple[Absence, ...]
    cursor: int  # the last order event included


@dataclass(frozen=True, slots=True)
class Changes:
    """Cards changed after a cursor, and the new cursor (catch-up and live delivery)."""

    cursor: int
    cards: tuple[BoardCard, ...]
