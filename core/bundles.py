"""Records a repository loads together, in one statement, because a use case needs them
together: who sent an update, the people around an order, and what order cards are drawn
from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.catalogue.model import LineItem
from core.domain import Client, Membership, Organization, Payment, PolicyStanding, User


@dataclass(frozen=True, slots=True)
class Arriving:
    """The start of an update: whether the ledger has it, the sender (None: not registered)
    with their membership in their active organization and that organization."""

    seen: bool
    user: User | None = None
    membership: Membership | None = None
    organization: Organization | None = None
    policy: PolicyStanding | None = None


@dataclass(frozen=True, slots=True)
class ShownMessage:
    """A message that shows an order (a card or an offer), to be edited when it changes."""

    viewer_id: int
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class OrderPeople:
    """People of one organization by user id, each with their membership in it (None: not a
    member), and the messages showing one order, oldest first (their viewers are in
    `people`)."""

    people: dict[int, tuple[User, Membership | None]]
    messages: tuple[ShownMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What cards of some orders are drawn from besides the orders and the viewers."""

    clients: dict[int, Client] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)  # active ones, by id
    files: dict[int, dict[str, int]] = field(default_factory=dict)  # order -> kind -> count
    payments: dict[int, tuple[Payment, ...]] = field(default_factory=dict)  # oldest first
    # (user id, client id): the user holds an order for the client that gives its contacts
    # (`core.permissions.contacts_cutoff`); asked only for the viewers who need it.
    held: frozenset[tuple[int, int]] = frozenset()
    # order -> when its client confirmed its current time (a move needs a new confirmation)
    confirmed: dict[int, datetime] = field(default_factory=dict)
    # order -> its line items, read only for orders that have some (`Order.line_count`)
    lines: dict[int, tuple[LineItem, ...]] = field(default_factory=dict)
