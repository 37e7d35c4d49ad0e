"""The "On my way" buttons (issue 19, item 6): the assignee's tap on the order card, and the
times they can pick without sharing a live location."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class OnMyWay(Action, template="omw:{order_id}"):
    """From the assignee's order card: tell the client I am coming."""

    order_id: int


@dataclass(frozen=True)
class OnMyWayEta(Action, template="omt:{order_id}:{minutes}"):
    """A time picked instead of a live location (minutes)."""

    order_id: int
    minutes: Literal[15, 30, 60]
