"""The buttons of an order's checklist (issue 20, item 7): "☑️ Checklist" on the card opens
it, a tap on an item answers it; and the client's "I accept the work" (item 8)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class ChecklistOpen(Action, template="ck:{order_id}"):
    """From an order's card: show its checklist with a button per item."""

    order_id: int


@dataclass(frozen=True)
class ChecklistTap(Action, template="ck:{order_id}:{item_id}"):
    """Tick or untick an item of the order's checklist."""

    order_id: int
    item_id: int


@dataclass(frozen=True)
class AcceptWork(Action, template="acw:{org_id}:{order_id}"):
    """In the client's chat, under the message that the work is done: accept it."""

    org_id: int
    order_id: int


@dataclass(frozen=True)
class AcceptanceLink(Action, template="acl:{order_id}"):
    """From a done order's card: the page link to hand the phone to the client."""

    order_id: int
