"""The buttons of a client's reminder (issue 19, item 5), in the client's own chat. Each names
the organization, the order and the order's time the reminder was about (minutes since the
epoch), so a tap is checked against the tapping client and an old reminder is recognized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from handlers.callbacks.codec import Action, Small, UpTo

Minutes = Annotated[int, UpTo(99_999_999)]  # since the epoch: until the year 2160


@dataclass(frozen=True)
class ClientVisit(Action, template="cv:{org_id}:{order_id}:{at}:{what}"):
    """Confirm (`c`), reschedule (`r`: the free times) or cancel (`x`: the reasons)."""

    org_id: int
    order_id: int
    at: Minutes
    what: Literal["c", "r", "x"]


@dataclass(frozen=True)
class ClientSlot(Action, template="cvs:{org_id}:{order_id}:{at}:{to}"):
    """Move the visit to the start `to` (minutes since the epoch)."""

    org_id: int
    order_id: int
    at: Minutes
    to: Minutes


@dataclass(frozen=True)
class ClientReason(Action, template="cvx:{org_id}:{order_id}:{at}:{reason}"):
    """Cancel the visit with one of the preset reasons (its index)."""

    org_id: int
    order_id: int
    at: Minutes
    reason: Small
