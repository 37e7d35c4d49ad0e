"""Clients paying orders online (issue 19, item 7): a payment link from the organization's own
T-Bank terminal, the bank's notifications (verified with that organization's password,
applied once, forward only) and owners' refunds. Rules in `core.client_loop.payments`.

The bank is called outside any transaction: an attempt is recorded (NEW) and committed, then
Init is asked, then the link is stored. A notification is one unit of work: the attempt's
status moves with a conditional UPDATE, and when it became paid the payment is added to the
order (an order event "pay" with via=tbank) and `payment_recorded` enqueues the job that
tells the client, the assignee and the managers: the one "payment recorded" change every
kind of client payment goes through (a worker's cash or card too, `on_site`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from core.billing.rules import NEW
from core.client_loop.pay_bank import RECORDED_JOB, payment_recorded
from core.client_loop.pay_checks import CHECK_JOB, PayChecks, schedule_check
from core.client_loop.pay_messages import PayMessages
from core.client_loop.payments import (
    ONLINE,
    ClientPayment,
    PaymentRecorded,
    new_attempt,
    order_receipt,
)
from core.client_loop.refunds import REFUND_JOB, PayRefunds
from core.domain import Order, OrderStatus
from core.errors import ExternalServiceError

log = logging.getLogger(__name__)

LINK_JOB = "client_pay_link"  # done -> the summary and the payment link to the client


def _work(order: Order, category: str | None) -> str:
    return (order.description or category or "").strip() or f"№{order.number}"


__all__ = [
    "CHECK_JOB", "LINK_JOB", "RECORDED_JOB", "REFUND_JOB", "ClientPayments", "payment_recorded",
]  # fmt: skip


class ClientPayments(PayRefunds, PayChecks, PayMessages):
    async def request_link(self, order: Order) -> None:
        """In the unit of work that finished `order` (the update's): enqueue the job that
        sends the client the summary and, with a terminal, the payment link (once per order
        version). One INSERT, and only for an order of a client."""
        if order.client_id is None or order.status is not OrderStatus.DONE:
            return
        payload: dict[str, object] = {"org": order.organization_id, "order": order.id}
        key = f"{LINK_JOB}:{order.id}:{order.version}"
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.jobs.enqueue(
                LINK_JOB, payload, now, org_id=order.organization_id, dedup_key=key
            )
            await uow.commit()

    async def on_site(self, order: Order) -> None:
        """A worker recorded cash or card on site (in the update's unit of work, `order` as
        changed): the same "payment recorded" change as an online payment, with the amount
        and method of the order's latest "pay" event."""
        if order.client_id is None:
            return
        async with self._uow() as uow:
            events = await uow.orders.events(order.organization_id, order.id)
            paid = [e for e in events if e.kind == "pay" and e.data.get("via") != ONLINE]
            if not paid:
                return
            last = max(paid, key=lambda e: (e.created_at, e.id))
            amount, method = last.data.get("amount_minor"), last.data.get("method")
            if not isinstance(amount, int) or not isinstance(method, str):
                return
            recorded = PaymentRecorded(
                order.organization_id, order.id, amount, method, None, order.version
            )
            await payment_recorded(uow, recorded, self._clock.now())
            await uow.commit()

    async def page_link(self, org_id: int, order_id: int) -> ClientPayment | None:
        """The payment link the client page shows: the newest unpaid attempt for what is due
        on the done order now (read only; None when there is none)."""
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, order_id)
            if order is None or order.status is not OrderStatus.DONE:
                return None
            due = (order.price_minor or 0) - order.paid_minor
            payments = await uow.client_loop.order_payments(org_id, order_id)
        return next(
            (p for p in payments if p.status == NEW and p.amount_minor == due and p.payment_url),
            None,
        )

    async def link(self, org_id: int, order_id: int) -> ClientPayment | None:
        """The order's payment link: an unpaid attempt for what is due now, else a new one
        (Init with the bank, outside any transaction). None: no terminal, no client, nothing
        due, or no phone or e-mail for the receipt. A refused or failed Init raises."""
        async with self._uow() as uow:
            reachable = self._terminals is not None and self._base.startswith("http")
            terminal = await self._terminal(uow, org_id) if reachable else None  # a bank
            order = await uow.orders.get(org_id, order_id)  # can notify only a public address
            if terminal is None or order is None or order.client_id is None:
                return None
            due = (order.price_minor or 0) - order.paid_minor
            if due <= 0 or order.status is not OrderStatus.DONE:
                return None
            for earlier in await uow.client_loop.order_payments(org_id, order_id):
                if earlier.status == NEW and earlier.amount_minor == due and earlier.payment_url:
                    return earlier
            client = await uow.clients.get(org_id, order.client_id)
            email = await uow.client_loop.client_email(org_id, order.client_id)
            names = {c.id: c.name for c in await uow.categories.listing(org_id)}
            phone = client.phones[0] if client is not None and client.phones else None
            if phone is None and email is None:
                return None
            work = _work(order, names.get(order.category_id or -1))
            built = order_receipt(work, due, terminal, phone, email)
            now = self._clock.now()
            attempt = await uow.client_loop.add_payment(
                org_id, order_id, new_attempt(order_id), due, NEW, now
            )
            await uow.commit()
        assert self._terminals is not None
        bank = self._terminals(terminal.terminal_key, terminal.password)
        description = f"№{order.number}: {work}"[:140]
        try:
            created = await bank.init(
                attempt.attempt, due, description, receipt=built,
                notification_url=self.notification_url(org_id),
            )  # fmt: skip
        except ExternalServiceError:
            await self._move(attempt, "CANCELED", {"Source": "Init"})
            raise
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.client_loop.set_payment_link(
                org_id, attempt, created.payment_id, created.payment_url, now
            )
            await schedule_check(uow, attempt, now)  # in case its notification never comes
            await uow.commit()
        return replace(attempt, payment_id=created.payment_id, payment_url=created.payment_url)
