"""The reads behind client reminders and free times (issue 19, item 5): orders across
organizations coming up for a reminder, and when people are busy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import Order, OrderStatus, OrgStatus, Role
from storage.orders.repository import to_order
from storage.runtime.repository import _insert
from storage.tables import MembershipRow, OrderRow, OrganizationRow, SentNotificationRow

NOT_STARTED = [OrderStatus.NEW.value, OrderStatus.ASSIGNED.value]
TAKEN = [OrderStatus.NEW.value, OrderStatus.ASSIGNED.value, OrderStatus.IN_PROGRESS.value]


class ReminderQueries:
    _s: AsyncSession

    async def reminder_orders(self, start: datetime, end: datetime) -> list[Order]:
        """Orders of active organizations with a client, not started, scheduled in
        (start, end], earliest first (the scheduler's index on the time)."""
        o = OrderRow
        stmt = (
            select(o)
            .join(OrganizationRow, OrganizationRow.id == o.organization_id)
            .where(
                o.scheduled_at > start,
                o.scheduled_at <= end,
                o.status.in_(NOT_STARTED),
                o.client_id.is_not(None),
                OrganizationRow.status == OrgStatus.ACTIVE.value,
            )
            .order_by(o.scheduled_at, o.id)
        )
        return [to_order(row) for row in (await self._s.execute(stmt)).scalars()]

    async def busy_times(
        self,
        org_id: int,
        user_ids: Collection[int],
        start: datetime,
        end: datetime,
        other_than: int | None = None,
    ) -> dict[int, list[datetime]]:
        """When each of these people has an order (not done or cancelled) in [start, end),
        the order `other_than` left out."""
        if not user_ids:
            return {}
        o = OrderRow
        stmt = select(o.assignee_id, o.scheduled_at).where(
            o.organization_id == org_id,
            o.assignee_id.in_(list(user_ids)),
            o.status.in_(TAKEN),
            o.scheduled_at >= start,
            o.scheduled_at < end,
            o.id != (other_than or 0),
        )
        found: dict[int, list[datetime]] = defaultdict(list)
        for assignee_id, at in (await self._s.execute(stmt)).all():
            found[int(assignee_id)].append(at)
        return dict(found)

    async def lock_times(self, org_id: int) -> None:
        """Hold the organization's free times until this transaction ends: its row locked
        `FOR NO KEY UPDATE` on PostgreSQL, so a second client's move in the organization
        waits here and then reads the first one's committed time (rows that only reference
        the organization, which take `FOR KEY SHARE`, are not held up). SQLite needs no
        lock: every transaction there is `BEGIN IMMEDIATE`, one writer at a time."""
        if self._s.bind.dialect.name != "postgresql":
            return
        o = OrganizationRow
        stmt = select(o.id).where(o.id == org_id).with_for_update(key_share=True)
        await self._s.execute(stmt)

    async def active_workers(self, org_id: int) -> list[int]:
        m = MembershipRow
        stmt = select(m.user_id).where(
            m.organization_id == org_id, m.active.is_(True), m.role == Role.WORKER.value
        )
        return sorted(int(u) for u in (await self._s.execute(stmt)).scalars())

    async def claim_key(self, key: str, org_id: int, kind: str, now: datetime) -> bool:
        """Record `key` in the scheduler's sent ledger; False when it already was (another
        tick, process or a repeat won it)."""
        sent = SentNotificationRow.__table__
        values = {"key": key, "organization_id": org_id, "kind": kind, "created_at": now}
        stmt = (
            _insert(self._s, sent).values(**values).on_conflict_do_nothing(index_elements=["key"])
        )
        return (await self._s.execute(stmt.returning(sent.c.key))).scalar_one_or_none() is not None
