"""What a client may see of an order: its time in the organization's zone, the address, the
work, the assignee's first name, the status and, if the organization shows prices, the
amounts. Never internal notes, other staff, other clients or anyone's contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.client_loop.model import ClientLoopSettings
from core.domain import Order, OrderStatus, Organization, User
from core.errors import DomainError


@dataclass(frozen=True, slots=True)
class ClientOrderView:
    organization_id: int
    org_name: str
    order_id: int
    number: int
    status: OrderStatus
    starts_at: datetime | None  # aware, in the organization's zone
    address: str | None
    work: str | None
    worker_first_name: str | None
    currency: str
    price_minor: int | None = None  # None unless the organization shows prices
    paid_minor: int | None = None

    @property
    def date(self) -> str:
        return self.starts_at.strftime("%d.%m.%Y") if self.starts_at else ""

    @property
    def time(self) -> str:
        return self.starts_at.strftime("%H:%M") if self.starts_at else ""

    @property
    def due_minor(self) -> int | None:
        if self.price_minor is None or self.paid_minor is None:
            return None
        return max(self.price_minor - self.paid_minor, 0)


def first_name_only(user: User | None) -> str | None:
    """The first word of a person's first name: "Иван" of "Иван Петрович"; no last name."""
    if user is None:
        return None
    words = user.first_name.split()
    return words[0] if words else None


def client_order_view(
    order: Order,
    client_id: int,
    org: Organization,
    settings: ClientLoopSettings,
    assignee: User | None = None,
    category: str | None = None,
) -> ClientOrderView:
    """The view of `order` for the client `client_id`; an order of another client or another
    organization is refused as if it did not exist."""
    if order.client_id != client_id or order.organization_id != org.id:
        raise DomainError("not_found")
    if assignee is not None and assignee.id != order.assignee_id:
        raise ValueError("the assignee given is not the order's")
    starts = order.scheduled_at.astimezone(ZoneInfo(org.timezone)) if order.scheduled_at else None
    shown = settings.show_prices
    return ClientOrderView(
        organization_id=org.id,
        org_name=org.name,
        order_id=order.id,
        number=order.number,
        status=order.status,
        starts_at=starts,
        address=order.address,
        work=order.description or category,
        worker_first_name=first_name_only(assignee),
        currency=org.currency,
        price_minor=order.price_minor if shown else None,
        paid_minor=order.paid_minor if shown and order.price_minor is not None else None,
    )


def view_values(view: ClientOrderView, client_first_name: str | None) -> dict[str, str | None]:
    """Template variables an order view provides (amounts are filled in by the presentation,
    which knows how to write money in the client's language)."""
    return {
        "client_first_name": client_first_name,
        "org_name": view.org_name,
        "order_number": str(view.number),
        "date": view.date,
        "time": view.time,
        "address": view.address,
        "work": view.work,
        "worker_first_name": view.worker_first_name,
    }


def client_first_name(name: str) -> str | None:
    """A client card's name is free text ("Анна Петровна Смирнова", "Смирнова А."): its first
    word is the friendliest guess."""
    words = name.split()
    return words[0] if words else None
