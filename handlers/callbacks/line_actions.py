"""The buttons of line items and the services catalogue (issue 20, items 3 and 4): "➕ Add
line" and "🧾 Lines" on an order's card, the client's "✅ Approve" or "✖️ Decline" of a
changed total, and /services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class AddLine(Action, template="li:{order_id}"):
    """From an order's card: add a catalogue item or a typed line."""

    order_id: int


@dataclass(frozen=True)
class LinesOpen(Action, template="lil:{order_id}:{how}"):
    """ "🧾 Lines" of a card (`n`: a new message) or "⬅️ Back" in the view (`e`: in place)."""

    order_id: int
    how: Literal["n", "e"]


@dataclass(frozen=True)
class LineQuantity(Action, template="liq:{order_id}:{line_id}"):
    """In the lines view: ask for a line's new quantity."""

    order_id: int
    line_id: int


@dataclass(frozen=True)
class LineRemove(Action, template="lir:{order_id}:{line_id}"):
    """In the lines view: ask once whether to remove the line."""

    order_id: int
    line_id: int


@dataclass(frozen=True)
class LineRemoveSure(Action, template="lix:{order_id}:{line_id}"):
    """Remove the line (a second tap finds it gone)."""

    order_id: int
    line_id: int


@dataclass(frozen=True)
class ApproveTotal(Action, template="cta:{org_id}:{order_id}:{total}"):
    """In the client's chat: approve this total (minor units) of the order."""

    org_id: int
    order_id: int
    total: int


@dataclass(frozen=True)
class DeclineTotal(Action, template="ctd:{org_id}:{order_id}:{total}"):
    """In the client's chat: decline this total (minor units) of the order."""

    org_id: int
    order_id: int
    total: int


@dataclass(frozen=True)
class ServiceList(Action, template="svl:{show}"):
    """/services: the active items, or all of them with the archived ones."""

    show: Literal["active", "all"]


@dataclass(frozen=True)
class ServiceOpen(Action, template="sv:{item_id}"):
    """One item with its buttons (owners and managers)."""

    item_id: int


@dataclass(frozen=True)
class ServiceAct(Action, template="sv:{item_id}:{what}"):
    """Change the price (`p`), archive (`a`) or restore (`r`) an item."""

    item_id: int
    what: Literal["p", "a", "r"]


@dataclass(frozen=True)
class ServiceAdd(Action, template="svn:{kind}"):
    """Add a service (`s`) or a material (`m`)."""

    kind: Literal["s", "m"]
