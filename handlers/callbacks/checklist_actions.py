"""The buttons of an order's checklist (issue 20, item 7): "☑️ Checklist" on the card opens
it, a tap on an item answers it; /checklist's buttons that edit a category's checklist; and the
client's "I accept the work" (item 8)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks.codec import Action, Small


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


@dataclass(frozen=True)
class ChecklistCategories(Action, template="ckk"):
    """/checklist: the kinds of work, a button each."""


@dataclass(frozen=True)
class ChecklistCategory(Action, template="ckc:{category_id}"):
    """/checklist: one kind of work's checklist, with its items' remove buttons."""

    category_id: int


@dataclass(frozen=True)
class ChecklistRemove(Action, template="ckr:{category_id}:{item_id}:{text_print}"):
    """/checklist: remove one item of a category's checklist (while it has that text)."""

    category_id: int
    item_id: int
    text_print: Small


@dataclass(frozen=True)
class ChecklistItemAdd(Action, template="cka:{category_id}"):
    """/checklist: add an item to a category's checklist (a short conversation)."""

    category_id: int
