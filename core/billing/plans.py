"""Plan limits applied inside the use cases that would exceed them (joining, new orders).

A deployment that sells subscriptions (T-Bank configured) enforces the plans; one that does
not (self-hosted, the sandbox) has no upgrade path to offer, so it only counts usage.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.admin.model import Subscription, effective_plan, usage_period
from core.billing.rules import Plan, check_member_limit, check_order_limit
from core.errors import DomainError
from core.ports import UnitOfWork

ORDERS = "orders"
AI_CALLS = "ai_calls"
TRANSCRIPTION_SECONDS = "transcription_seconds"


def _ai_limit(plan: Plan) -> int | None:
    return plan.ai_calls_per_month


def _seconds_limit(plan: Plan) -> int | None:
    minutes = plan.transcription_minutes_per_month
    return None if minutes is None else minutes * 60


class PlanGuard:
    def __init__(self, enforced: bool, upgrade_url: str = "") -> None:
        self.enforced = enforced
        self.upgrade_url = upgrade_url

    async def plan(self, uow: UnitOfWork, org_id: int, now: datetime) -> Plan:
        return effective_plan(await uow.billing.subscription(org_id), now)

    async def admit_member(self, uow: UnitOfWork, org_id: int, now: datetime) -> None:
        """Refuses one more active member beyond the plan. The subscription row is locked
        first, so two people joining at once are counted one after the other."""
        if not self.enforced:
            return
        subscription = await uow.billing.lock_subscription(org_id, now)
        active = await uow.members.count_active(org_id)
        try:
            check_member_limit(effective_plan(subscription, now), active + 1)
        except DomainError as error:
            raise self._with_link(error) from None

    async def count_order(self, uow: UnitOfWork, org_id: int, now: datetime) -> None:
        """Counts a new order in the period's usage; refuses it past the plan's limit."""
        subscription: Subscription | None = await uow.billing.subscription(org_id)
        plan = effective_plan(subscription, now)
        start, _ = usage_period(subscription, now)
        limit = plan.max_orders_per_month if self.enforced else None
        if await uow.billing.add_usage(org_id, start, ORDERS, 1, limit, now):
            return
        try:
            check_order_limit(plan, limit or 0)
        except DomainError as error:
            raise self._with_link(error) from None

    async def count_ai_call(self, uow: UnitOfWork, org_id: int, now: datetime) -> None:
        """One AI call against the period's quota (a plan without AI allows none)."""
        await self._count(uow, org_id, now, AI_CALLS, 1, _ai_limit)

    async def count_transcription(
        self, uow: UnitOfWork, org_id: int, seconds: int, now: datetime
    ) -> None:
        """Seconds of audio against the period's transcription minutes."""
        await self._count(uow, org_id, now, TRANSCRIPTION_SECONDS, max(seconds, 1), _seconds_limit)

    async def _count(
        self,
        uow: UnitOfWork,
        org_id: int,
        now: datetime,
        kind: str,
        amount: int,
        limit_of: Callable[[Plan], int | None],
    ) -> None:
        subscription = await uow.billing.subscription(org_id)
        plan = effective_plan(subscription, now)
        start, _ = usage_period(subscription, now)
        limit = limit_of(plan) if self.enforced else None
        if await uow.billing.add_usage(org_id, start, kind, amount, limit, now):
            return
        code = "plan_ai_quota" if kind == AI_CALLS else "plan_transcription_quota"
        raise self._with_link(DomainError(code, limit=limit or 0, plan=plan.code))

    def _with_link(self, error: DomainError) -> DomainError:
        return DomainError(error.code, **error.params, upgrade_url=self.upgrade_url)
