"""What client payments need from storage (part of `ClientLoopRepository`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.client_loop.payments import ClientPayment


class ClientPaymentRepository(Protocol):
    async def add_payment(
        self, org_id: int, order_id: int, attempt: str, amount: int, status: str, now: datetime
    ) -> ClientPayment: ...
    async def set_payment_link(
        self, org_id: int, payment: ClientPayment, payment_id: str, url: str, now: datetime
    ) -> bool: ...
    async def payment_by_attempt(self, org_id: int, attempt: str) -> ClientPayment | None: ...
    async def order_payments(self, org_id: int, order_id: int) -> list[ClientPayment]: ...
    async def move_payment(
        self,
        payment: ClientPayment,
        status: str,
        now: datetime,
        raw: dict[str, object],
        paid_at: datetime | None = None,
        refunded_minor: int | None = None,
    ) -> bool:
        """From the status `payment` was read with; False when someone moved it first."""
        ...

    async def reserve_refund(self, payment: ClientPayment, amount: int, now: datetime) -> bool:
        """Adds `amount` to what was asked to refund, never above the payment; False: another
        request came first (read again) or it would be too much."""
        ...

    async def release_refund(self, payment: ClientPayment, amount: int, now: datetime) -> None: ...
