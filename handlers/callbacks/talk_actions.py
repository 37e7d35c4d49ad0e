"""Buttons of the client's rating (the client's own chat) and of messages between a client and
the staff (a client's message relayed to staff, the order card's "Message client")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class ClientRate(Action, template="rt:{org_id}:{rating_id}:{stars}"):
    """A client's 1-5 stars for the rating question `rating_id` of one organization."""

    org_id: int
    rating_id: int
    stars: Literal[1, 2, 3, 4, 5]


@dataclass(frozen=True)
class ClientRateSkip(Action, template="rts:{org_id}:{rating_id}"):
    """The client adds no comment to their rating."""

    org_id: int
    rating_id: int


@dataclass(frozen=True)
class ReplyClient(Action, template="rpc:{message_id}"):
    """Staff: reply to the client's message `message_id` (an entry of the client log)."""

    message_id: int


@dataclass(frozen=True)
class MessageClient(Action, template="mcl:{order_id}"):
    """Staff, from the order card: write to the order's client."""

    order_id: int
