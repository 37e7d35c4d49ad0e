"""Read models handed to the presentation layers: cards with exactly what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from core.catalogue.model import LineItem
from core.clients.request_model import DataRequest
from core.companies.model import Company
from core.domain import Client, Order, Organization, Payment, User
from core.orders.edits import FieldEdit
from core.orders.rules import OrderAction
from core.recurring.model import Series
from core.telephony.events import Call


@dataclass(frozen=True, slots=True)
class ClientView:
    """A client as one viewer may see them: without contacts unless they are allowed."""

    id: int
    name: str
    phones: tuple[str, ...]
    address: str | None
    notes: str | None
    contacts_visible: bool
    restricted_at: datetime | None = None  # processing restricted (docs/data-rights.md)
    restriction_note: str | None = None
    objected_at: datetime | None = None  # objects to automated processing
    company: Company | None = None  # shown with the contacts (a sole trader's INN is personal)


def client_view(client: Client, visible: bool) -> ClientView:
    restricted = (client.restricted_at, client.restriction_note, client.objected_at)
    if visible:
        return ClientView(
            client.id, client.name, client.phones, client.address, client.notes, True,
            *restricted, client.company,
        )  # fmt: skip
    return ClientView(client.id, client.name, (), None, None, False, *restricted)


@dataclass(frozen=True, slots=True)
class OrderCard:
    order: Order
    organization: Organization
    client: ClientView | None
    category: str | None
    assignee: User | None
    actions: tuple[OrderAction, ...]
    viewer: User
    sees_history: bool = False
    files: dict[str, int] = field(default_factory=dict)  # kind -> count, for those who may see
    payments: tuple[Payment, ...] = ()  # each payment with its method, oldest first
    area: str | None = None  # district or street of a hidden address (an offer to all)
    now: datetime | None = None  # when the card was made: dates in another year show it
    client_confirmed_at: datetime | None = None  # the client confirmed the current time
    series: Series | None = None  # the recurring series the order is a visit of
    lines: tuple[LineItem, ...] = ()  # its line items (none: the price as agreed)
    can_add_line: bool = False  # the viewer may add a line ("➕ Add line")

    @property
    def viewer_id(self) -> int:
        return self.viewer.id

    @property
    def address_visible(self) -> bool:
        return self.client is None or self.client.contacts_visible

    @property
    def access_ended(self) -> bool:
        """The viewer did this order but no longer sees its client's contacts (settled)."""
        return not self.address_visible and self.order.assignee_id == self.viewer.id


@dataclass(frozen=True, slots=True)
class ClientCard:
    view: ClientView
    orders: tuple[Order, ...]
    calls: tuple[Call, ...] = ()  # recent calls, for those who may see the client's phones
    now: datetime | None = None  # when the card was made: dates in another year show it
    # the client's latest ratings: (order number, stars, comment), newest first
    ratings: tuple[tuple[int, int, str | None], ...] = ()
    requests: tuple[DataRequest, ...] = ()  # open data requests, for owners and managers


@dataclass(frozen=True, slots=True)
class Notice:
    """Someone other than the actor should hear about an order change."""

    recipient: User
    kind: str
    card: OrderCard
    was: datetime | None = None  # a rescheduled order's time before the change
    edit: FieldEdit | None = None  # an edited detail with its old and new value


@dataclass(frozen=True, slots=True)
class ShownCard:
    """A message showing the changed order, and the card its viewer should now see there
    (None: they may no longer see the order: an offer someone else took, a member who left)."""

    chat_id: int
    message_id: int
    viewer: User
    card: OrderCard | None


@dataclass(frozen=True, slots=True)
class OrderChange:
    card: OrderCard
    notices: tuple[Notice, ...]
    event: str
    shown: tuple[ShownCard, ...] = ()  # every message showing the order, oldest first


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    user: User
    orders_today: int


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class CallView:
    """A call with the client who has its number and the people involved."""

    call: Call
    organization: Organization
    client: Client | None
    member: User | None  # who answered an incoming call, or placed an outgoing one
    callback: User | None = None  # who took on calling back
