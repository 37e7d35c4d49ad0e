"""The CRM's own billing: the plan and usage page, checkout through the payment gateway, the
bank's notifications (verified, applied once, forward only) and a periodic job that asks the
bank about payments we heard nothing of and warns owners before a subscription lapses."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from core.admin.model import (
    BillingOverview,
    Checkout,
    Payment,
    Subscription,
    Terminal,
    effective_plan,
    usage_period,
)
from core.billing.plans import PlanGuard
from core.billing.rules import (
    CANCELED,
    NEW,
    PLANS,
    Plan,
    ReceiptItem,
    add_months,
    apply_notification,
    extend_subscription,
    receipt,
    verify_token,
)
from core.changes import KEEP, NewPayment, PaymentChange, SubscriptionChange
from core.domain import Actor, Job, Role, User
from core.errors import DomainError, ExternalServiceError
from core.permissions import Action, require
from core.ports import Clock, PaymentGateway, UnitOfWork, UowFactory

log = logging.getLogger(__name__)

NOTICE_JOB, TICK_JOB = "billing_notice", "billing_tick"
TICK = timedelta(minutes=15)
RECONCILE_AFTER = timedelta(minutes=5)
LAPSE_WARNING = timedelta(days=3)
MAX_MONTHS = 12
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
# What we keep of the bank's last word: no card data.
RAW_FIELDS = ("Status", "Success", "ErrorCode", "Amount", "PaymentId", "Message")


class BillingService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        plans: PlanGuard,
        gateway: PaymentGateway | None = None,
        terminal: Terminal | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._plans = plans
        self._gateway = gateway if terminal is not None else None
        self._terminal = terminal

    async def overview(self, actor: Actor) -> BillingOverview:
        require(actor, Action.ORG_BILLING)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        async with self._uow() as uow:
            sub = await uow.billing.subscription(org_id)
            start, end = usage_period(sub, now)
            usage = await uow.billing.usage(org_id, start)
            members = await uow.members.count_active(org_id)
            payments = await uow.billing.payments(org_id)
        plan, can_buy = effective_plan(sub, now), self._gateway is not None
        enforced = self._plans.enforced
        return BillingOverview(plan, sub, start, end, members, usage, payments, can_buy, enforced)

    async def checkout(self, actor: Actor, plan_code: str, months: int, email: str) -> Checkout:
        """Records the payment, then asks the bank for a payment page (Init)."""
        require(actor, Action.ORG_BILLING)
        assert actor.organization is not None
        plan = _sellable(plan_code, months, email)
        if self._gateway is None or self._terminal is None:
            raise DomainError("billing_unavailable")
        name = f"Подписка AstraCRM {plan.code.title()}, 1 мес."
        item = ReceiptItem(name, plan.monthly_price, quantity=months)
        built = receipt([item], email=email.strip(), taxation=self._terminal.taxation)
        org_id, now = actor.organization.id, self._clock.now()
        order_id = f"crm-{org_id}-{secrets.token_hex(8)}"
        async with self._uow() as uow:
            new = NewPayment(
                order_id=order_id,
                amount=item.amount,
                status=NEW,
                plan=plan.code,
                months=months,
                created_by=actor.user.id,
            )
            payment = await uow.billing.add_payment(org_id, now, new)
            await uow.commit()
        url = await self._init(payment, plan, built)
        return Checkout(order_id, url, item.amount)

    async def _init(self, payment: Payment, plan: Plan, built: dict[str, object]) -> str:
        assert self._gateway is not None and self._terminal is not None
        try:
            created = await self._gateway.init(
                payment.order_id,
                payment.amount,
                f"AstraCRM {plan.code.title()} × {payment.months}",
                receipt=dict(built),
                notification_url=self._terminal.notification_url,
                success_url=self._terminal.success_url,
            )
        except ExternalServiceError:
            await self._store(payment, PaymentChange(status=CANCELED))
            raise DomainError("payment_unavailable") from None
        link = PaymentChange(payment_id=created.payment_id, payment_url=created.payment_url)
        await self._store(payment, link)
        return created.payment_url

    async def _store(self, payment: Payment, change: PaymentChange) -> None:
        async with self._uow() as uow:
            await uow.billing.update_payment(payment, self._clock.now(), change)
            await uow.commit()

    async def notify(self, payload: Mapping[str, object]) -> None:
        """A bank notification: forged → DomainError("payment_forged") and nothing changes;
        a repeated or stale one changes nothing; a new status moves the payment once."""
        terminal = self._terminal
        if terminal is None or payload.get("TerminalKey") != terminal.terminal_key:
            raise DomainError("payment_forged")
        if not verify_token(payload, terminal.password):
            raise DomainError("payment_forged")
        raw = {key: payload[key] for key in RAW_FIELDS if key in payload}
        payment_id = payload.get("PaymentId")
        await self._apply(
            str(payload.get("OrderId", "")),
            str(payload.get("Status", "")),
            raw,
            payload.get("Amount"),
            str(payment_id) if isinstance(payment_id, int | str) else None,
        )

    async def _apply(
        self,
        order_id: str,
        status: str,
        raw: dict[str, object],
        amount: object,
        payment_id: str | None,
    ) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            payment = await uow.billing.payment_by_order(order_id, lock=True)
            if payment is None:
                log.warning("bank notification for an unknown order; ignored")
                return
            if amount is not None and amount != payment.amount:
                raise DomainError("payment_mismatch")
            paid_early = self._terminal is not None and self._terminal.paid_on_authorized
            step = apply_notification(payment.status, status, paid_on_authorized=paid_early)
            change = PaymentChange(
                status=step.status, raw=raw, payment_id=payment_id if payment_id else KEEP
            )
            # A concurrent notification that moved it first has also applied it.
            if step.move and await uow.billing.update_payment(payment, now, change):
                await _consequences(uow, payment, step.extend, step.end, now)
                await uow.commit()

    async def reconcile(self) -> int:
        """Asks the bank about payments still pending after a few minutes (a notification
        may have been lost); returns how many were checked."""
        if self._gateway is None:
            return 0
        now = self._clock.now()
        async with self._uow() as uow:
            pending = await uow.billing.pending_payments(now - RECONCILE_AFTER, 50)
        for payment in pending:
            await self._check(payment)
        return len(pending)

    async def _check(self, payment: Payment) -> None:
        assert self._gateway is not None and payment.payment_id is not None
        try:
            state = await self._gateway.get_state(payment.payment_id)
            if state.order_id == payment.order_id:
                raw: dict[str, object] = {"Status": state.status, "Source": "GetState"}
                await self._apply(payment.order_id, state.status, raw, state.amount, None)
        except (ExternalServiceError, DomainError) as error:
            log.warning("payment %s not reconciled: %s", payment.id, type(error).__name__)

    async def schedule_tick(self) -> None:
        """Makes sure the periodic billing job exists (called at start-up)."""
        async with self._uow() as uow:
            await _schedule(uow, self._clock.now())
            await uow.commit()

    async def tick(self, _job: Job) -> None:
        """The periodic job: schedule the next run first, then reconcile, then warn."""
        now = self._clock.now()
        async with self._uow() as uow:
            await _schedule(uow, now + TICK)
            for sub in await uow.billing.ending_between(now, now + LAPSE_WARNING):
                await _notice(uow, sub.organization_id, "lapsing", sub.plan, sub, now)
            for sub in await uow.billing.ending_between(now - 2 * TICK, now):
                await _notice(uow, sub.organization_id, "lapsed", sub.plan, sub, now)
            await uow.commit()
        await self.reconcile()

    async def recipients(self, org_id: int) -> tuple[str, list[User]]:
        """Whom billing notices go to: the organization's name and its active owners."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            team = await uow.members.team(org_id)
        owners = [v.user for v in team if v.membership.active and v.membership.role is Role.OWNER]
        return (org.name if org else ""), owners


def _sellable(plan_code: str, months: int, email: str) -> Plan:
    plan = PLANS.get(plan_code)
    if plan is None or plan.monthly_price <= 0:
        raise DomainError("plan_invalid")
    if isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise DomainError("months_range", limit=MAX_MONTHS)
    if not EMAIL.match(email.strip()):
        raise DomainError("email_invalid")
    return plan


async def _consequences(
    uow: UnitOfWork, payment: Payment, extend: bool, end: bool, now: datetime
) -> None:
    if extend:
        await _extend(uow, payment, now)
    if end:
        await _end(uow, payment, now)


async def _extend(uow: UnitOfWork, payment: Payment, now: datetime) -> None:
    """Paid: the same plan still running is extended from its end; otherwise the paid plan
    starts now and its periods count from now."""
    sub = await uow.billing.lock_subscription(payment.organization_id, now)
    running = sub.current_period_end is not None and sub.current_period_end > now
    if sub.plan == payment.plan and sub.status == "active" and running:
        end = extend_subscription(sub.current_period_end, now, payment.months)
        start, anchor = sub.current_period_start or now, sub.anchor or now
    else:
        start = anchor = now
        end = add_months(now, payment.months)
    change = SubscriptionChange(
        plan=payment.plan,
        status="active",
        current_period_start=start,
        current_period_end=end,
        anchor=anchor,
    )
    await uow.billing.save_subscription(payment.organization_id, now, change)
    updated = Subscription(payment.organization_id, payment.plan, "active", start, end, anchor)
    await _notice(uow, payment.organization_id, "paid", payment.plan, updated, now)


async def _end(uow: UnitOfWork, payment: Payment, now: datetime) -> None:
    """The bank took a paid payment back (refund, reversal): the subscription ends now."""
    sub = await uow.billing.lock_subscription(payment.organization_id, now)
    ended = SubscriptionChange(status="ended", current_period_end=now)
    await uow.billing.save_subscription(payment.organization_id, now, ended)
    await _notice(uow, payment.organization_id, "ended", sub.plan, sub, now)


async def _notice(
    uow: UnitOfWork, org_id: int, event: str, plan: str, sub: Subscription, now: datetime
) -> None:
    """One message to the owners per event and period end (the job's key deduplicates)."""
    end = sub.current_period_end
    until = end.isoformat() if end else ""
    payload: dict[str, object] = {"event": event, "plan": plan, "until": until}
    key = f"{NOTICE_JOB}:{event}:{org_id}:{until}"
    await uow.jobs.enqueue(NOTICE_JOB, payload, now, org_id=org_id, dedup_key=key[:200])


async def _schedule(uow: UnitOfWork, at: datetime) -> None:
    """Ticks run on slot boundaries, so two processes scheduling one converge on one job."""
    slot = at.replace(second=0, microsecond=0)
    slot -= timedelta(minutes=slot.minute % int(TICK.total_seconds() // 60))
    await uow.jobs.enqueue(TICK_JOB, {}, slot, dedup_key=f"{TICK_JOB}:{slot.isoformat()}")
