"""Buttons of an order's online payment on the staff card: the owner's refund and its
confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class RefundAsk(Action, template="rfa:{order_id}"):
    """Owner, from the order card: take back the order's online payment (asks first)."""

    order_id: int


@dataclass(frozen=True)
class RefundSure(Action, template="rfs:{order_id}"):
    """Owner: yes, refund the order's online payment."""

    order_id: int
