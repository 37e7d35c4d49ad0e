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
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.billing.rules import (
    AUTHORIZED,
    CONFIRMED,
    NEW,
    PARTIAL_REFUNDED,
    apply_notification,
    verify_token,
)
from core.changes import OrderUpdate
from core.client_loop.pay_messages import PayMessages
from core.client_loop.payments import (
    NOTIFY_PATH,
    ONLINE,
    RAW_FIELDS,
    TERMINAL_SECRET,
    ClientPayment,
    OrgTerminal,
    PaymentRecorded,
    TerminalFactory,
    new_attempt,
    order_receipt,
    terminal_of,
)
from core.domain import Actor, Order, OrderStatus, PaymentMethod
from core.errors import DomainError, ExternalServiceError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory

log = logging.getLogger(__name__)

Credentials = Callable[[UnitOfWork, int, str], Any]  # OrgSettingsService.credential_in
LINK_JOB = "client_pay_link"  # done -> the summary and the payment link to the client
RECORDED_JOB = "client_payment_recorded"  # a payment or refund recorded -> who is told
PAID = (AUTHORIZED, CONFIRMED, PARTIAL_REFUNDED)  # what a refund can take back


async def payment_recorded(uow: UnitOfWork, recorded: PaymentRecorded, now: datetime) -> None:
    """The "payment recorded" change, in the unit of work that added the payment to the order:
    enqueue the job that sends the client's receipt and tells the staff (deduplicated by the
    order's version after the payment). Hook further consequences (the rating request) here."""
    key = f"{RECORDED_JOB}:{recorded.order_id}:{recorded.version}"
    await uow.jobs.enqueue(
        RECORDED_JOB, recorded.payload(), now, org_id=recorded.organization_id, dedup_key=key
    )


def _work(order: Order, category: str | None) -> str:
    return (order.description or category or "").strip() or f"№{order.number}"


class ClientPayments(PayMessages):
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

    async def configured(self, uow: UnitOfWork, org_id: int) -> bool:
        """Whether the organization connected its terminal (one statement, nothing decrypted)."""
        return self._terminals is not None and TERMINAL_SECRET in (
            await uow.org_settings.secrets(org_id)
        )

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

    async def link(self, org_id: int, order_id: int) -> ClientPayment | None:
        """The order's payment link: an unpaid attempt for what is due now, else a new one
        (Init with the bank, outside any transaction). None: no terminal, no client, nothing
        due, or no phone or e-mail for the receipt. A refused or failed Init raises."""
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id) if self._terminals else None
            order = await uow.orders.get(org_id, order_id)
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
            await uow.commit()
        return replace(attempt, payment_id=created.payment_id, payment_url=created.payment_url)

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
            if payload.get("Amount") != payment.amount_minor:
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
        now = self._clock.now()
        paid_at = now if step.extend else None
        refunded = payment.amount_minor if step.end else None
        moved = await uow.client_loop.move_payment(
            payment, step.status, now, raw, paid_at, refunded
        )
        if not moved:  # a concurrent notification (or the refund) moved it first
            return False
        if step.extend:
            await self._on_order(uow, payment, payment.amount_minor, "pay")
        elif step.end:
            await self._on_order(uow, payment, -payment.amount_minor, "refund")
        return True

    async def _on_order(
        self, uow: UnitOfWork, payment: ClientPayment, amount: int, kind: str
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
        data = {"amount_minor": abs(amount), "method": PaymentMethod.CARD.value, "via": ONLINE}
        await uow.orders.add_event(changed, None, kind, {**data, "payment": payment.attempt}, now)
        recorded = PaymentRecorded(
            org_id, order.id, amount, PaymentMethod.CARD.value, ONLINE, changed.version
        )
        await payment_recorded(uow, recorded, now)

    async def refund(self, actor: Actor, order_id: int) -> ClientPayment:
        """An owner takes back the order's online payment (T-Bank Cancel); recorded once,
        whether the answer or the bank's notification comes first."""
        require(actor, Action.ORG_BILLING)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id) if self._terminals else None
            payments = await uow.client_loop.order_payments(org_id, order_id)
        paid = next((p for p in payments if p.status in PAID and p.payment_id), None)
        if terminal is None or paid is None or paid.payment_id is None:
            raise DomainError("refund_unavailable")
        assert self._terminals is not None
        bank = self._terminals(terminal.terminal_key, terminal.password)
        try:
            answer = await bank.cancel(paid.payment_id)
        except ExternalServiceError:
            raise DomainError("payment_unavailable") from None
        async with self._uow() as uow:
            current = await uow.client_loop.payment_by_attempt(org_id, paid.attempt)
            assert current is not None
            raw: dict[str, object] = {"Status": answer.status, "Source": "Cancel"}
            await self._apply(uow, current, answer.status, raw)
            await uow.commit()
            after = await uow.client_loop.payment_by_attempt(org_id, paid.attempt)
        assert after is not None
        return after
