"""The reads behind client reminders and free times (issue 19, item 5): orders across
organizations coming up for a reminder, and when people are busy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import Order, OrderStatus, OrgStatus, Role
from storage.orders.repository import to_order
from storage.runtime.repository import _insert
from storage.tables import (
    ClientLinkRow,
    MembershipRow,
    OrderRow,
    OrganizationRow,
    OrgSecretRow,
    SentNotificationRow,
)

NOT_STARTED = [OrderStatus.NEW.value, OrderStatus.ASSIGNED.value]
CLAIM_CHUNK = 500  # ledger rows per INSERT (4 values each: far below SQLite's variable limit)
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

    async def claim_keys(
        self, claims: Sequence[tuple[str, int]], kind: str, now: datetime
    ) -> None:
        """Record these (key, organization) in the sent ledger, ignoring keys already there:
        one multi-row INSERT per CLAIM_CHUNK."""
        sent = SentNotificationRow.__table__
        for i in range(0, len(claims), CLAIM_CHUNK):
            rows = [
                {"key": key, "organization_id": org_id, "kind": kind, "created_at": now}
                for key, org_id in claims[i : i + CLAIM_CHUNK]
            ]
            stmt = _insert(self._s, sent).values(rows)
            await self._s.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))

    async def consented_links(self, client_ids: Collection[int]) -> set[tuple[int, int]]:
        """(organization, client) of these clients linked in Telegram with consent to order
        messages."""
        if not client_ids:
            return set()
        link = ClientLinkRow
        stmt = select(link.organization_id, link.client_id).where(
            link.client_id.in_(sorted(client_ids)), link.transactional_at.is_not(None)
        )
        return {(int(o), int(c)) for o, c in (await self._s.execute(stmt)).all()}

    async def orgs_with_secrets(
        self, org_ids: Collection[int], names: Collection[str]
    ) -> set[int]:
        """The organizations among these holding a secret of one of `names`."""
        if not org_ids:
            return set()
        secret = OrgSecretRow
        stmt = (
            select(secret.organization_id)
            .where(secret.organization_id.in_(sorted(org_ids)), secret.name.in_(list(names)))
            .distinct()
        )
        return {int(o) for o in (await self._s.execute(stmt)).scalars()}

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
