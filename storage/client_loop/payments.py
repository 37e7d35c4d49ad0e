"""Client payments through the organization's own T-Bank terminal (`client_payment`): one row
per attempt. A status moves only with a conditional UPDATE on the status read, so two
notifications (or a notification and a refund) racing move it once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.payments import ClientPayment
from storage.tables import ClientPaymentRow


def to_payment(row: ClientPaymentRow) -> ClientPayment:
    assert row.id is not None
    return ClientPayment(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        attempt=row.attempt,
        amount_minor=row.amount_minor,
        status=row.status,
        payment_id=row.payment_id,
        payment_url=row.payment_url,
        refunded_minor=row.refunded_minor,
        created_at=row.created_at,
        refund_asked_minor=row.refund_asked_minor,
        paid_at=row.paid_at,
    )


class PaymentQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_payment(
        self, org_id: int, order_id: int, attempt: str, amount: int, status: str, now: datetime
    ) -> ClientPayment:
        values: dict[str, Any] = {
            "organization_id": org_id, "order_id": order_id, "attempt": attempt,
            "amount_minor": amount, "refunded_minor": 0, "refund_asked_minor": 0,
            "status": status, "raw": {},
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        stmt = insert(ClientPaymentRow).values(values).returning(ClientPaymentRow)
        row = (await self._s.execute(stmt)).scalar_one()
        return to_payment(row)

    async def set_payment_link(
        self, org_id: int, payment: ClientPayment, payment_id: str, url: str, now: datetime
    ) -> bool:
        stmt = (
            update(ClientPaymentRow)
            .where(ClientPaymentRow.organization_id == org_id, ClientPaymentRow.id == payment.id)
            .values(payment_id=payment_id, payment_url=url, updated_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def payment_by_attempt(self, org_id: int, attempt: str) -> ClientPayment | None:
        stmt = select(ClientPaymentRow).where(
            ClientPaymentRow.organization_id == org_id, ClientPaymentRow.attempt == attempt
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_payment(row) if row else None

    async def order_payments(self, org_id: int, order_id: int) -> list[ClientPayment]:
        """The order's attempts, newest first."""
        stmt = (
            select(ClientPaymentRow)
            .where(
                ClientPaymentRow.organization_id == org_id, ClientPaymentRow.order_id == order_id
            )
            .order_by(ClientPaymentRow.id.desc())
        )
        return [to_payment(row) for row in (await self._s.execute(stmt)).scalars()]

    async def move_payment(
        self,
        payment: ClientPayment,
        status: str,
        now: datetime,
        raw: dict[str, object],
        paid_at: datetime | None = None,
        refunded_minor: int | None = None,
    ) -> bool:
        """Moves the payment from the status and refunded amount it was read with; False:
        someone moved it first."""
        values: dict[str, Any] = {"status": status, "updated_at": now, "raw": raw}
        if paid_at is not None:
            values["paid_at"] = paid_at
        if refunded_minor is not None:
            values["refunded_minor"] = refunded_minor
        stmt = (
            update(ClientPaymentRow)
            .where(
                ClientPaymentRow.id == payment.id,
                ClientPaymentRow.status == payment.status,
                ClientPaymentRow.refunded_minor == payment.refunded_minor,
            )
            .values(values)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def reserve_refund(self, payment: ClientPayment, amount: int, now: datetime) -> bool:
        """Adds `amount` to what was asked to refund, from the value `payment` was read with
        and never above the payment; False: another request came first, or too much."""
        asked = payment.refund_asked_minor
        stmt = (
            update(ClientPaymentRow)
            .where(
                ClientPaymentRow.id == payment.id,
                ClientPaymentRow.refund_asked_minor == asked,
                ClientPaymentRow.amount_minor >= asked + amount,
            )
            .values(refund_asked_minor=asked + amount, updated_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def release_refund(self, payment: ClientPayment, amount: int, now: datetime) -> None:
        """The bank refused a refund: its amount may be asked again."""
        column = ClientPaymentRow.refund_asked_minor
        stmt = (
            update(ClientPaymentRow)
            .where(ClientPaymentRow.id == payment.id, column >= amount)
            .values(refund_asked_minor=column - amount, updated_at=now)
        )
        await self._s.execute(stmt)
