"""The conversations about an order's money, typed: a payment recorded by staff, and a
refund of (part of) an online payment to the client's card. Stored and read back by
`core.dialogs.data` like every flow's data."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs.engine import DialogData


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentData(DialogData):
    flow = "payment"
    order_id: int
    number: int | None = None
    rest: int | None = None  # what is still unpaid, in minor units
    currency: str | None = None
    amount: int | None = None
    method: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundData(DialogData):
    """Staff refunding (part of) an order's online payment to the client's card: what is
    left to refund when the flow began, then the amount and the confirmation."""

    flow = "refund"
    order_id: int
    number: int | None = None
    paid: int | None = None  # the online payment, in minor units
    refunded: int | None = None  # asked to refund before
    left: int | None = None
    currency: str | None = None
    amount: int | None = None
    sure: str | None = None
