"""The bank's side of client payments (issue 19, item 7): the organization's terminal, its
notifications (Token verified with that organization's password, TerminalKey and amount
checked, applied once and forward only), and what a payment or refund changes on the order:
an order event ("pay" or "refund", via=tbank) and the "payment recorded" job.

A notification is one unit of work: the attempt's status moves with a conditional UPDATE
from the status read, so a replay, a late stale status or a race with the refund's own answer
moves it once; only the mover records on the order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.billing.rules import (
    PARTIAL_REFUNDED,
    PARTIAL_REVERSED,
    REFUNDED,
    REVERSED,
    apply_notification,
    verify_token,
)
from core.changes import OrderUpdate
from core.client_loop.payments import (
    NOTIFY_PATH,
    ONLINE,
    RAW_FIELDS,
    TERMINAL_SECRET,
    ClientPayment,
    OrgTerminal,
    PaymentRecorded,
    TerminalFactory,
    terminal_of,
)
from core.client_loop.ratings import after_settled
from core.domain import PaymentMethod
from core.errors import DomainError
from core.ports import Clock, UnitOfWork, UowFactory

Credentials = Callable[[UnitOfWork, int, str], Any]  # OrgSettingsService.credential_in
RECORDED_JOB = "client_payment_recorded"  # a payment or refund recorded -> who is told
TAKEN_BACK = frozenset({PARTIAL_REFUNDED, REFUNDED, PARTIAL_REVERSED, REVERSED})


async def payment_recorded(uow: UnitOfWork, recorded: PaymentRecorded, now: datetime) -> None:
    """The "payment recorded" change, in the unit of work that added the payment to the order:
    enqueue the job that sends the client's receipt and tells the staff (deduplicated by the
    order's version after the payment). Hook further consequences (the rating request) here."""
    key = f"{RECORDED_JOB}:{recorded.order_id}:{recorded.version}"
    await uow.jobs.enqueue(
        RECORDED_JOB, recorded.payload(), now, org_id=recorded.organization_id, dedup_key=key
    )


class PayBank:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        credentials: Credentials,
        terminals: TerminalFactory | None,
        public_base_url: str | None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._credentials = credentials
        self._terminals = terminals
        self._base = (public_base_url or "").rstrip("/")

    def notification_url(self, org_id: int) -> str:
        return self._base + NOTIFY_PATH.format(org=org_id)

    async def _terminal(self, uow: UnitOfWork, org_id: int) -> OrgTerminal | None:
        return terminal_of(await self._credentials(uow, org_id, TERMINAL_SECRET))

    async def _move(self, payment: ClientPayment, status: str, raw: dict[str, object]) -> None:
        async with self._uow() as uow:
            await uow.client_loop.move_payment(payment, status, self._clock.now(), raw)
            await uow.commit()

    async def notify(self, org_id: int, payload: Mapping[str, object]) -> None:
        """A notification for `org_id`'s terminal. Forged (wrong terminal or Token, or no
        terminal): DomainError("payment_forged"); an attempt we never made:
        "payment_unknown"; another amount: "payment_mismatch"; each changes nothing. A
        repeated or stale status changes nothing; a new one moves the attempt once."""
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id)
        if terminal is None or payload.get("TerminalKey") != terminal.terminal_key:
            raise DomainError("payment_forged")
        if not verify_token(payload, terminal.password):
            raise DomainError("payment_forged")
        raw = {key: payload[key] for key in RAW_FIELDS if key in payload}
        attempt, status = str(payload.get("OrderId", "")), str(payload.get("Status", ""))
        async with self._uow() as uow:
            payment = await uow.client_loop.payment_by_attempt(org_id, attempt)
            if payment is None:
                raise DomainError("payment_unknown")
            # A refund's notification may carry the refund's or the remaining amount; the
            # refunded money is recorded from Cancel's answer (or, whole, from the status).
            if status not in TAKEN_BACK and payload.get("Amount") != payment.amount_minor:
                raise DomainError("payment_mismatch")
            await self._apply(uow, payment, status, raw)
            await uow.commit()

    async def _apply(
        self, uow: UnitOfWork, payment: ClientPayment, status: str, raw: dict[str, object]
    ) -> bool:
        """Moves the attempt and records what it means on the order; False: nothing new."""
        step = apply_notification(payment.status, status, paid_on_authorized=True)
        if not step.move:
            return False
        if step.end:  # taken back whole: all that was not recorded yet
            return await self._refunded(uow, payment, step.status, payment.amount_minor, raw)
        now = self._clock.now()
        paid_at = now if step.extend else None
        moved = await uow.client_loop.move_payment(payment, step.status, now, raw, paid_at)
        if not moved:  # a concurrent notification (or the refund) moved it first
            return False
        if step.extend:
            await self._on_order(uow, payment, payment.amount_minor, "pay")
        return True

    async def _refunded(
        self,
        uow: UnitOfWork,
        payment: ClientPayment,
        status: str,
        total: int,
        raw: dict[str, object],
    ) -> bool:
        """The bank says `total` of the payment is refunded by now (`status` its new one):
        the part not recorded yet goes off the order, once (a conditional UPDATE from the
        status and refunded amount read); False: nothing new, or someone was first."""
        step = apply_notification(payment.status, status, paid_on_authorized=True)
        keep = step.status if step.move else payment.status
        fresh = total - payment.refunded_minor
        if fresh <= 0:
            if step.move:  # a new status without new money (a partial one notified)
                now = self._clock.now()
                return await uow.client_loop.move_payment(payment, keep, now, raw)
            return False
        now = self._clock.now()
        moved = await uow.client_loop.move_payment(payment, keep, now, raw, None, total)
        if not moved:
            return False
        rest = payment.amount_minor - total
        partial = fresh != payment.amount_minor
        await self._on_order(uow, payment, -fresh, "refund", rest if partial else None)
        return True

    async def _on_order(
        self,
        uow: UnitOfWork,
        payment: ClientPayment,
        amount: int,
        kind: str,
        rest: int | None = None,
    ) -> None:
        org_id, now = payment.organization_id, self._clock.now()
        order = await uow.orders.get(org_id, payment.order_id)
        if order is None:
            return
        paid = max(order.paid_minor + amount, 0)
        change = OrderUpdate(paid_minor=paid, payment_method=PaymentMethod.CARD)
        after = replace(order, paid_minor=paid)
        if after.settled and not order.settled:
            change = replace(change, settled_at=now)
        changed = await uow.orders.change(order, now, change)
        if changed is None:  # the order changed meanwhile: the bank retries the notification
            raise DomainError("order_changed", number=order.number)
        data: dict[str, object] = {
            "amount_minor": abs(amount), "method": PaymentMethod.CARD.value, "via": ONLINE,
            "payment": payment.attempt,
        }  # fmt: skip
        if rest is not None:
            data["rest"] = rest  # a part refunded: what stays paid of this payment
        await uow.orders.add_event(changed, None, kind, data, now)
        recorded = PaymentRecorded(
            org_id, order.id, amount, PaymentMethod.CARD.value, ONLINE, changed.version, rest
        )
        await payment_recorded(uow, recorded, now)
        await after_settled(uow, now, order, changed)  # settled: the client's rating (19.8)
