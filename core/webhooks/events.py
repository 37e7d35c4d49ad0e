"""Which webhook events an order's or a client's recorded change is, and what a delivery says.

An order's change is recorded as an event row in the unit of work that makes it (the order
repository's `add_event`), and a client card is made or changed by the client repository's
`add` and `update`; the same calls turn them into webhook deliveries in that transaction,
so a rolled-back change sends nothing and a committed one is never lost. The body carries
ids, statuses, times and amounts; no names, phones, addresses or texts the subscriber has
not asked for (docs/webhooks.md, "What a delivery carries").
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.domain import Order, OrderStatus


class EventType(enum.StrEnum):
    ORDER_CREATED = "order.created"
    ORDER_ASSIGNED = "order.assigned"
    ORDER_STATUS_CHANGED = "order.status_changed"
    ORDER_PAID = "order.paid"
    CLIENT_CREATED = "client.created"
    CLIENT_UPDATED = "client.updated"
    RATING_RECEIVED = "rating.received"


ALL_EVENTS: tuple[EventType, ...] = tuple(EventType)
ASSIGNING = frozenset({"assign", "take"})
RATED = "client_rated"  # core.client_loop.ratings.RATED_EVENT
NOT_STATUS = frozenset({"created", "edit", "reschedule"})
STATUSES = frozenset(status.value for status in OrderStatus)


def order_events(kind: str, data: dict[str, Any]) -> list[EventType]:
    """The webhook events an order event row of `kind` with `data` is (often none)."""
    found: list[EventType] = []
    if kind == "created":
        found.append(EventType.ORDER_CREATED)
    if kind in ASSIGNING:
        found.append(EventType.ORDER_ASSIGNED)
    if status_change(kind, data):
        found.append(EventType.ORDER_STATUS_CHANGED)
    if kind == "pay":
        found.append(EventType.ORDER_PAID)
    if kind == RATED:
        found.append(EventType.RATING_RECEIVED)
    return found


def status_change(kind: str, data: dict[str, Any]) -> bool:
    """An action's event names the statuses it went from and to; a reschedule's and an
    edit's `from`/`to` are times and field values instead."""
    if kind in NOT_STATUS:
        return False
    was, now = data.get("from"), data.get("to")
    return was in STATUSES and now in STATUSES and was != now


def iso(at: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z."""
    if at is None:
        return None
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def order_data(order: Order, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An order as a subscriber sees it: no address, description or client details."""
    shown: dict[str, Any] = {
        "id": order.id,
        "number": order.number,
        "status": order.status.value,
        "client_id": order.client_id,
        "category_id": order.category_id,
        "assignee_id": order.assignee_id,
        "scheduled_at": iso(order.scheduled_at),
        "price_minor": order.price_minor,
        "paid_minor": order.paid_minor,
        "payment_method": order.payment_method.value if order.payment_method else None,
        "created_at": iso(order.created_at),
    }
    if status_change(kind, data):
        shown["previous_status"] = data.get("from")
    if kind == "pay":
        shown["payment"] = {"amount_minor": data.get("amount_minor"), "method": data.get("method")}
    if kind == RATED:
        shown["rating"] = {"stars": data.get("stars")}  # the comment is the client's own text
    return shown


def client_data(client_id: int, restricted: bool = False) -> dict[str, Any]:
    """A client by id only: no name, phones or address in a delivery; the subscriber reads
    the details it is allowed to through the API (clients:read). A client whose processing
    is restricted carries `restricted: true` (the API then withholds the personal fields)."""
    return {"id": client_id, "restricted": True} if restricted else {"id": client_id}


@dataclass(frozen=True, slots=True)
class Envelope:
    event_id: str
    type: EventType
    occurred_at: datetime
    organization_id: int
    data: dict[str, Any]

    def body(self) -> str:
        """The exact bytes signed and sent (compact JSON, keys in a fixed order)."""
        document = {
            "id": self.event_id,
            "type": self.type.value,
            "occurred_at": iso(self.occurred_at),
            "organization": {"id": self.organization_id},
            "data": self.data,
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
