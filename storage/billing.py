"""The CRM's own billing: subscriptions, T-Bank payments and metered usage per period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.admin.model import Payment, Subscription
from core.changes import NewPayment, PaymentChange, SubscriptionChange
from storage.columns import columns
from storage.runtime.repository import _insert
from storage.tables import PaymentRow, SubscriptionRow, UsageRow

PENDING = ("NEW", "FORM_SHOWED", "AUTHORIZED", "PARTIAL_REVERSED")


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        row.organization_id,
        row.plan,
        row.status,
        row.current_period_start,
        row.current_period_end,
        row.anchor,
    )


def _payment(row: PaymentRow) -> Payment:
    assert row.id is not None
    return Payment(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        payment_id=row.payment_id,
        amount=row.amount,
        status=row.status,
        plan=row.plan,
        months=row.months,
        created_at=row.created_at,
        payment_url=row.payment_url,
        raw=dict(row.raw or {}),
    )


class SqlBillingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def _locking(self) -> bool:
        return bool(self._s.bind.dialect.name == "postgresql")

    async def subscription(self, org_id: int) -> Subscription | None:
        stmt = select(SubscriptionRow).where(SubscriptionRow.organization_id == org_id)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _subscription(row) if row else None

    async def lock_subscription(self, org_id: int, now: datetime) -> Subscription:
        """SQLite transactions already queue (BEGIN IMMEDIATE); PostgreSQL locks the row."""
        insert = _insert(self._s, SubscriptionRow).values(
            organization_id=org_id, plan="free", status="active", updated_at=now
        )
        await self._s.execute(insert.on_conflict_do_nothing(index_elements=["organization_id"]))
        stmt = select(SubscriptionRow).where(SubscriptionRow.organization_id == org_id)
        if self._locking():
            stmt = stmt.with_for_update()
        stmt = stmt.execution_options(populate_existing=True)
        return _subscription((await self._s.execute(stmt)).scalar_one())

    async def save_subscription(
        self, org_id: int, now: datetime, change: SubscriptionChange
    ) -> None:
        stmt = (
            update(SubscriptionRow)
            .where(SubscriptionRow.organization_id == org_id)
            .values(updated_at=now, **columns(change))
        )
        await self._s.execute(stmt)

    async def add_payment(self, org_id: int, now: datetime, new: NewPayment) -> Payment:
        values = columns(new)
        row = PaymentRow(organization_id=org_id, created_at=now, updated_at=now, **values)
        self._s.add(row)
        await self._s.flush()
        return _payment(row)

    async def payment_by_order(self, order_id: str, lock: bool = False) -> Payment | None:
        stmt = select(PaymentRow).where(PaymentRow.order_id == order_id)
        if lock and self._locking():
            stmt = stmt.with_for_update()
        stmt = stmt.execution_options(populate_existing=True)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _payment(row) if row else None

    async def update_payment(self, payment: Payment, now: datetime, change: PaymentChange) -> bool:
        stmt = (
            update(PaymentRow)
            .where(PaymentRow.id == payment.id, PaymentRow.status == payment.status)
            .values(updated_at=now, **columns(change))
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def payments(self, org_id: int, limit: int = 10) -> list[Payment]:
        stmt = (
            select(PaymentRow)
            .where(PaymentRow.organization_id == org_id)
            .order_by(PaymentRow.id.desc())
            .limit(limit)
        )
        return [_payment(row) for row in (await self._s.execute(stmt)).scalars()]

    async def pending_payments(self, created_before: datetime, limit: int) -> list[Payment]:
        stmt = (
            select(PaymentRow)
            .where(
                PaymentRow.status.in_(PENDING),
                PaymentRow.payment_id.is_not(None),
                PaymentRow.created_at < created_before,
            )
            .order_by(PaymentRow.id)
            .limit(limit)
        )
        return [_payment(row) for row in (await self._s.execute(stmt)).scalars()]

    async def ending_between(self, start: datetime, end: datetime) -> list[Subscription]:
        stmt = select(SubscriptionRow).where(
            SubscriptionRow.plan != "free",
            SubscriptionRow.status == "active",
            SubscriptionRow.current_period_end >= start,
            SubscriptionRow.current_period_end < end,
        )
        return [_subscription(row) for row in (await self._s.execute(stmt)).scalars()]

    async def usage(self, org_id: int, period_start: datetime) -> dict[str, int]:
        stmt = select(UsageRow).where(
            UsageRow.organization_id == org_id, UsageRow.period_start == period_start
        )
        return {row.kind: row.amount for row in (await self._s.execute(stmt)).scalars()}

    async def add_usage(
        self,
        org_id: int,
        period_start: datetime,
        kind: str,
        amount: int,
        limit: int | None,
        now: datetime,
    ) -> bool:
        """Insert the period's row if missing, then one conditional increment: two orders
        racing for the last slot cannot both get it."""
        insert = _insert(self._s, UsageRow).values(
            organization_id=org_id, period_start=period_start, kind=kind, amount=0
        )
        keys = ["organization_id", "period_start", "kind"]
        await self._s.execute(insert.on_conflict_do_nothing(index_elements=keys))
        stmt = update(UsageRow).where(
            UsageRow.organization_id == org_id,
            UsageRow.period_start == period_start,
            UsageRow.kind == kind,
        )
        if limit is not None:
            stmt = stmt.where(UsageRow.amount + amount <= limit)
        result = await self._s.execute(stmt.values(amount=UsageRow.amount + amount))
        return bool(result.rowcount)
