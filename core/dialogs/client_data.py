"""The conversations about clients, typed: a new client card, one field edited, two cards
merged, a staff member's message to a client, and a client cancelling a visit with a reason of
their own. Stored and read back by `core.dialogs.data` like every flow's data."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs.engine import DialogData
from core.dialogs.offered import Ref


@dataclass(frozen=True, slots=True, kw_only=True)
class NewClientData(DialogData):
    flow = "new_client"
    name: str | None = None
    phone: str | None = None
    e164: str | None = None
    dup: Ref | None = None  # the card that already has this phone
    same: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientEditData(DialogData):
    flow = "client_edit"
    client_id: int
    field: str
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientMergeData(DialogData):
    flow = "client_merge"
    client_id: int
    query: str | None = None
    candidates: tuple[Ref, ...] | None = None
    pick: str | None = None
    confirm: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientReplyData(DialogData):
    """A staff member's message to a client (a reply to the client's message, or from the
    order card); the client's name and the order's number as the prompt shows them."""

    flow = "client_reply"
    client_id: int
    order_id: int | None = None
    message_id: int | None = None  # the client's message answered (None: from the card)
    client_name: str | None = None
    number: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCancelData(DialogData):
    """A business's client cancelling a visit from a reminder with a reason of their own: the
    visit (organization, order, the order's time the reminder was about, in minutes since
    the epoch) and the reason they type (`core.client_loop.reasons`)."""

    flow = "client_cancel"
    org_id: int
    order_id: int
    at: int
    reason: str | None = None
