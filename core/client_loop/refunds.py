"""Staff refunding a client's online payment, whole or in parts (issue 19, item 7): T-Bank
Cancel with an Amount in kopecks, as many times as something is left, never more than paid.

A request reserves its amount on the payment (`refund_asked_minor`, one conditional UPDATE
from the value read) in the update's unit of work and queues the job `client_refund` that
asks the bank outside any transaction. The job sends the request's own ExternalRequestId
(the same on every retry) and records what the answer says is left (`NewAmount`): the money
refunded is `amount - NewAmount` in total, so an answer applied twice, or after the bank's
REFUNDED notification, adds nothing. A refusal gives the reserved amount back.
"""

from __future__ import annotations

import logging

from core.billing.rules import AUTHORIZED, CONFIRMED, PARTIAL_REFUNDED, PARTIAL_REVERSED
from core.client_loop.pay_bank import PayBank
from core.client_loop.payments import ClientPayment
from core.domain import Actor, Job
from core.errors import DomainError, ExternalServiceError
from core.permissions import Action, require
from core.ports import UnitOfWork

log = logging.getLogger(__name__)

REFUND_JOB = "client_refund"  # staff confirmed a refund -> T-Bank Cancel
PAID = (AUTHORIZED, CONFIRMED, PARTIAL_REFUNDED, PARTIAL_REVERSED)  # what can be taken back


async def paid_online(uow: UnitOfWork, org_id: int, order_id: int) -> ClientPayment | None:
    """The order's online payment with something left to refund (the newest), or None."""
    payments = await uow.client_loop.order_payments(org_id, order_id)
    return next(
        (p for p in payments if p.status in PAID and p.payment_id and p.refundable_minor > 0),
        None,
    )


class PayRefunds(PayBank):
    """The refund use cases (a base of `ClientPayments`)."""

    async def refundable(self, actor: Actor, order_id: int) -> ClientPayment:
        """The order's online payment staff may still take (part of) back."""
        require(actor, Action.ORDER_CANCEL)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id) if self._terminals else None
            paid = await paid_online(uow, org_id, order_id)
        if terminal is None or paid is None:
            raise DomainError("refund_unavailable")
        return paid

    async def request_refund(
        self, actor: Actor, order_id: int, amount: int | None = None
    ) -> tuple[ClientPayment, int]:
        """Staff confirmed a refund: reserve it and queue the bank's Cancel (own unit of work;
        the dialog calls `reserve` in its own)."""
        await self.refundable(actor, order_id)  # a terminal is connected
        async with self._uow() as uow:
            paid = await self.reserve(uow, actor, order_id, amount)
            await uow.commit()
        return paid

    async def reserve(
        self, uow: UnitOfWork, actor: Actor, order_id: int, amount: int | None
    ) -> tuple[ClientPayment, int]:
        """In the caller's unit of work: reserve `amount` (None: all that is left) of the
        order's online payment and queue the job asking the bank. refund_unavailable: nothing
        to refund; refund_too_much: more than is left. A second request
        from the same state (a double tap) finds the first one's reservation: refused as too
        much, or, for what is still left, a request of its own."""
        require(actor, Action.ORDER_CANCEL)
        assert actor.organization is not None
        org_id = actor.organization.id
        paid = await paid_online(uow, org_id, order_id)
        if paid is None:
            raise DomainError("refund_unavailable")
        left = paid.refundable_minor
        asked = left if amount is None else amount
        if asked <= 0 or asked > left:
            raise DomainError("refund_too_much")
        now = self._clock.now()
        if not await uow.client_loop.reserve_refund(paid, asked, now):
            raise DomainError("refund_too_much")  # another request was first
        whole = asked == paid.amount_minor
        payload: dict[str, object] = {
            "org": org_id, "attempt": paid.attempt, "amount": asked,
            "asked": paid.refund_asked_minor, "whole": whole,
        }  # fmt: skip
        key = f"{REFUND_JOB}:{paid.attempt}:{paid.refund_asked_minor}"
        await uow.jobs.enqueue(REFUND_JOB, payload, now, org_id=org_id, dedup_key=key)
        return paid, asked

    async def refund_job(self, job: Job) -> None:
        """The refund's job: a temporary failure of the bank is retried by the job queue; a
        refusal gives the reserved amount back and ends the job."""
        payload = job.payload
        org_id, attempt = int(str(payload["org"])), str(payload["attempt"])
        amount = payload.get("amount")
        asked = int(str(payload.get("asked", 0)))
        whole = bool(payload.get("whole", amount is None))
        await self._cancel(
            org_id, attempt, int(str(amount)) if amount is not None else None, asked, whole
        )

    async def refund(
        self, actor: Actor, order_id: int, amount: int | None = None
    ) -> ClientPayment:
        """Staff take back (part of) the order's online payment now (T-Bank Cancel); recorded
        once, whether the answer or the bank's notification comes first."""
        paid, asked = await self.request_refund(actor, order_id, amount)
        whole = asked == paid.amount_minor
        try:
            return await self._cancel(
                paid.organization_id, paid.attempt, asked, paid.refund_asked_minor, whole
            )
        except ExternalServiceError:
            raise DomainError("payment_unavailable") from None

    async def _cancel(
        self, org_id: int, attempt: str, amount: int | None, asked: int, whole: bool
    ) -> ClientPayment:
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id) if self._terminals else None
            paid = await uow.client_loop.payment_by_attempt(org_id, attempt)
        if terminal is None or paid is None or paid.payment_id is None:
            raise DomainError("refund_unavailable")
        if amount is None:  # a request queued before partial refunds: all that is left
            amount = paid.amount_minor - paid.refunded_minor
        if paid.refunded_minor >= asked + amount or paid.status not in PAID:
            return paid  # done meanwhile (a repeat of the job, or the bank's notification)
        assert self._terminals is not None
        bank = self._terminals(terminal.terminal_key, terminal.password)
        operation = f"{attempt}-r{asked}"  # this request's id at the bank, on every retry
        try:
            answer = await bank.cancel(paid.payment_id, None if whole else amount, operation)
        except ExternalServiceError as error:
            if not error.retryable:  # refused: the amount may be asked again
                log.warning("refund of %s refused: %s", attempt, type(error).__name__)
                async with self._uow() as uow:
                    await uow.client_loop.release_refund(paid, amount, self._clock.now())
                    await uow.commit()
            raise
        async with self._uow() as uow:
            current = await uow.client_loop.payment_by_attempt(org_id, attempt)
            assert current is not None
            raw: dict[str, object] = {"Status": answer.status, "Source": "Cancel"}
            left = max(min(answer.new_amount, current.amount_minor), 0)
            await self._refunded(uow, current, answer.status, current.amount_minor - left, raw)
            await uow.commit()
            after = await uow.client_loop.payment_by_attempt(org_id, attempt)
        assert after is not None
        return after
