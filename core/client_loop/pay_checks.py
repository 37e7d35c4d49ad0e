"""The GetState sweep of client payments (issue 19, items 7 and 12): a payment whose
notification never came (the bank's webhook lost, our endpoint down for a day) is asked
about with T-Bank GetState by a durable job, and settled exactly as the notification would
settle it.

When a payment link is stored, the same transaction queues `client_payment_check` for 10
minutes later (round 1). The job reads the attempt: one the notifications already decided
(paid, failed, taken back) needs nothing more. Otherwise it asks GetState outside any
transaction and applies the status through the notification's own path (`PayBank._apply`:
forward only, a conditional UPDATE from the status read), so whichever of the notification
and the sweep comes first records the payment and the other changes nothing. A status still
undecided (NEW, FORM_SHOWED) queues the next round after twice the delay (10, 20, 40 ...
minutes), until a day after the link was made: then the sweep gives up (a payment link the
client never opened). A temporary failure of the bank is retried by the job queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.billing.rules import FORM_SHOWED, NEW
from core.client_loop.pay_bank import PayBank
from core.client_loop.payments import ClientPayment
from core.domain import Job
from core.ports import UnitOfWork

log = logging.getLogger(__name__)

CHECK_JOB = "client_payment_check"
FIRST_CHECK = timedelta(minutes=10)
GIVE_UP = timedelta(days=1)  # after the link was made
UNDECIDED = frozenset({NEW, FORM_SHOWED})  # what a lost notification may still change


def check_at(made: datetime, round_: int) -> datetime | None:
    """When round `round_` (1, 2, ...) of the sweep runs: 10 minutes after the link, then
    each delay twice the last (10, 20, 40 ... minutes between rounds); None past a day."""
    at = made + FIRST_CHECK * (2**round_ - 1)
    return at if at <= made + GIVE_UP else None


async def schedule_check(
    uow: UnitOfWork, payment: ClientPayment, made: datetime, round_: int = 1
) -> bool:
    """In the caller's unit of work: queue round `round_` of the sweep of `payment` (once
    per round); False when the sweep has given up."""
    at = check_at(made, round_)
    if at is None:
        return False
    payload: dict[str, object] = {
        "org": payment.organization_id, "attempt": payment.attempt, "round": round_,
        "made": made.isoformat(),
    }  # fmt: skip
    key = f"{CHECK_JOB}:{payment.attempt}:{round_}"
    await uow.jobs.enqueue(CHECK_JOB, payload, at, org_id=payment.organization_id, dedup_key=key)
    return True


class PayChecks(PayBank):
    """The sweep's job (a base of `ClientPayments`)."""

    async def check_job(self, job: Job) -> None:
        org_id, attempt = int(str(job.payload["org"])), str(job.payload["attempt"])
        round_ = int(str(job.payload.get("round", 1)))
        async with self._uow() as uow:
            terminal = await self._terminal(uow, org_id) if self._terminals else None
            payment = await uow.client_loop.payment_by_attempt(org_id, attempt)
        if payment is None or payment.status not in UNDECIDED or payment.payment_id is None:
            return  # decided by a notification (or gone with the organization)
        made = _made(job, payment)
        if terminal is None:  # disconnected meanwhile: the bank cannot be asked
            log.info("payment %s not checked: no terminal", attempt)
            return
        assert self._terminals is not None
        bank = self._terminals(terminal.terminal_key, terminal.password)
        state = await bank.get_state(payment.payment_id)  # a temporary failure: retried
        async with self._uow() as uow:
            current = await uow.client_loop.payment_by_attempt(org_id, attempt)
            assert current is not None
            if state.amount != current.amount_minor:
                log.warning("payment %s check: another amount at the bank", attempt)
                return
            raw: dict[str, object] = {"Status": state.status, "Source": "GetState"}
            await self._apply(uow, current, state.status, raw)
            after = await uow.client_loop.payment_by_attempt(org_id, attempt)
            undecided = after is not None and after.status in UNDECIDED
            if undecided and after and not await schedule_check(uow, after, made, round_ + 1):
                log.info("payment %s check: given up, still %s", attempt, after.status)
            await uow.commit()


def _made(job: Job, payment: ClientPayment) -> datetime:
    made = job.payload.get("made")
    try:
        return datetime.fromisoformat(str(made)) if made else payment.created_at
    except ValueError:
        return payment.created_at
