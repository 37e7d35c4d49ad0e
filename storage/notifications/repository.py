"""The scheduler's storage: recipients with their preferences, the sent-key ledger with its
delivery jobs, and the orders and changes that plans, reminders and alerts are made of."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import OrderStatus, Organization, OrgStatus, Role
from core.notifications.rules import (
    ChangeEvent,
    OfferItem,
    Outgoing,
    PlanItem,
    Preferences,
    Recipient,
)
from core.notifications.schedule import hhmm, parse_hhmm
from storage.notifications.digests import chunks
from storage.runtime.repository import jobs_added
from storage.tables import (
    CategoryRow,
    ClientRow,
    JobRow,
    MembershipRow,
    NotificationPrefRow,
    OrderEventRow,
    OrderRow,
    OrganizationRow,
    SentNotificationRow,
    UserRow,
)

ROWS_PER_INSERT = 1000
_STILL_TO_DO = [OrderStatus.ASSIGNED.value, OrderStatus.IN_PROGRESS.value]
_P = NotificationPrefRow
_PREF_COLUMNS = (
    _P.digest, _P.digest_at, _P.weekly, _P.plan, _P.plan_at, _P.reminder, _P.reminder_minutes,
    _P.overdue, _P.overdue_minutes, _P.quiet_start, _P.quiet_end,
)  # fmt: skip
_ORG_COLUMNS = (
    OrganizationRow.id, OrganizationRow.name, OrganizationRow.timezone, OrganizationRow.currency,
    OrganizationRow.language, OrganizationRow.country,
)  # fmt: skip

_ITEM_COLUMNS = (
    OrderRow.id, OrderRow.organization_id, OrderRow.number, OrderRow.status,
    OrderRow.scheduled_at, OrderRow.assignee_id, UserRow.first_name, UserRow.last_name,
    ClientRow.name, CategoryRow.name, OrderRow.address, OrderRow.latitude, OrderRow.longitude,
)  # fmt: skip
_EVENT_COLUMNS = (
    OrderEventRow.id, OrderEventRow.organization_id, OrderEventRow.order_id,
    OrderEventRow.actor_id, OrderEventRow.kind, OrderEventRow.data, OrderEventRow.created_at,
    OrderRow.assignee_id, OrderRow.scheduled_at,
)  # fmt: skip


def to_prefs(values: Sequence[Any]) -> Preferences:
    """Preferences from the pref columns of a row; an absent row (all None) is the defaults."""
    if values[0] is None:
        return Preferences()
    d, d_at, w, p, p_at, r, r_min, o, o_min, q_start, q_end = values
    return Preferences(
        digest=d, digest_at=parse_hhmm(d_at), weekly=w, plan=p, plan_at=parse_hhmm(p_at),
        reminder=r, reminder_minutes=r_min, overdue=o, overdue_minutes=o_min,
        quiet_start=parse_hhmm(q_start) if q_start else None,
        quiet_end=parse_hhmm(q_end) if q_end else None,
    )  # fmt: skip


def _pref_values(prefs: Preferences) -> dict[str, Any]:
    return {
        "digest": prefs.digest, "digest_at": hhmm(prefs.digest_at), "weekly": prefs.weekly,
        "plan": prefs.plan, "plan_at": hhmm(prefs.plan_at), "reminder": prefs.reminder,
        "reminder_minutes": prefs.reminder_minutes, "overdue": prefs.overdue,
        "overdue_minutes": prefs.overdue_minutes,
        "quiet_start": hhmm(prefs.quiet_start) if prefs.quiet_start else None,
        "quiet_end": hhmm(prefs.quiet_end) if prefs.quiet_end else None,
    }  # fmt: skip


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), ROWS_PER_INSERT):
        yield rows[i : i + ROWS_PER_INSERT]


class SqlNotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def _insert(self, table: Any) -> Any:
        postgres = self._s.bind.dialect.name == "postgresql"
        return pg_insert(table) if postgres else sqlite_insert(table)

    def _recipients_query(self) -> Any:
        return (
            select(MembershipRow.user_id, MembershipRow.role, *_ORG_COLUMNS, *_PREF_COLUMNS)
            .add_columns(UserRow.telegram_id, UserRow.language, UserRow.telegram_language)
            .join(UserRow, UserRow.id == MembershipRow.user_id)
            .join(OrganizationRow, OrganizationRow.id == MembershipRow.organization_id)
            .outerjoin(_P, _P.user_id == MembershipRow.user_id)
            .where(
                MembershipRow.active.is_(True),
                OrganizationRow.status == OrgStatus.ACTIVE.value,
                UserRow.unreachable_at.is_(None),
                UserRow.consent_at.is_not(None),
                UserRow.deleted_at.is_(None),
                UserRow.restricted_at.is_(None),  # restricted their own processing
            )
        )

    async def _load(self, stmt: Any) -> list[Recipient]:
        found = []
        for row in (await self._s.execute(stmt)).all():
            org = Organization(*row[2:8])
            prefs, (chat, language, telegram_language) = to_prefs(row[8:19]), row[19:]
            found.append(
                Recipient(int(row[0]), Role(row[1]), org, prefs, chat, language, telegram_language)
            )
        return found

    async def recipients(
        self, roles: Collection[Role], org_ids: Collection[int] | None = None
    ) -> list[Recipient]:
        stmt = self._recipients_query().where(MembershipRow.role.in_([r.value for r in roles]))
        if org_ids is None:
            return await self._load(stmt)
        found = []
        for ids in chunks(org_ids):
            found += await self._load(stmt.where(MembershipRow.organization_id.in_(ids)))
        return found

    async def recipients_by_user(self, user_ids: Collection[int]) -> list[Recipient]:
        found = []
        for ids in chunks(user_ids):
            stmt = self._recipients_query().where(MembershipRow.user_id.in_(ids))
            found += await self._load(stmt)
        return found

    async def preferences(self, user_id: int) -> Preferences:
        stmt = select(*_PREF_COLUMNS).where(_P.user_id == user_id)
        row = (await self._s.execute(stmt)).first()
        return to_prefs(row) if row is not None else Preferences()

    async def save_preferences(self, user_id: int, prefs: Preferences, now: datetime) -> None:
        values = {**_pref_values(prefs), "updated_at": now}
        stmt = self._insert(_P).values(user_id=user_id, **values)
        await self._s.execute(stmt.on_conflict_do_update(index_elements=["user_id"], set_=values))

    async def sent(self, keys: Collection[str]) -> dict[str, datetime]:
        found: dict[str, datetime] = {}
        items = sorted(set(keys))
        s = SentNotificationRow
        for i in range(0, len(items), 2000):
            stmt = select(s.key, s.created_at).where(s.key.in_(items[i : i + 2000]))
            found.update({k: at for k, at in (await self._s.execute(stmt)).all()})
        return found

    async def record(self, items: Sequence[Outgoing], now: datetime) -> int:
        """Keys in sorted order, so two concurrent schedulers lock them in the same order and
        the later one waits, then skips, instead of deadlocking."""
        rows = {
            key: {
                "key": key, "organization_id": item.organization_id,
                "recipient_id": item.recipient_id, "kind": item.kind, "created_at": now,
            }
            for item in items
            for key in (item.key, *item.also)
        }  # fmt: skip
        won: set[str] = set()
        sent, job = SentNotificationRow.__table__, JobRow.__table__
        stmt = self._insert(sent).on_conflict_do_nothing(index_elements=["key"])
        for batch in _batches([rows[k] for k in sorted(rows)]):
            won.update((await self._s.execute(stmt.returning(sent.c.key), batch)).scalars())
        jobs = [_job_row(item, now) for item in items if item.job and item.key in won]
        stmt = self._insert(job).on_conflict_do_nothing(index_elements=["dedup_key"])
        for batch in _batches(jobs):
            await self._s.execute(stmt, batch)
        if jobs:
            jobs_added(self._s)
        return len(jobs)

    async def purge(self, before: datetime) -> int:
        stmt = delete(SentNotificationRow).where(SentNotificationRow.created_at < before)
        return int((await self._s.execute(stmt)).rowcount or 0)

    async def plan_orders(
        self, user_ids: Collection[int], start: datetime, end: datetime
    ) -> list[PlanItem]:
        found = []
        for ids in chunks(user_ids):
            found += await self._items(
                OrderRow.assignee_id.in_(ids),
                OrderRow.status.in_(_STILL_TO_DO),
                OrderRow.scheduled_at >= start,
                OrderRow.scheduled_at < end,
            )
        return found

    async def upcoming(self, start: datetime, end: datetime) -> list[PlanItem]:
        return await self._items(
            OrderRow.status == OrderStatus.ASSIGNED.value,
            OrderRow.assignee_id.is_not(None),
            OrderRow.scheduled_at > start,
            OrderRow.scheduled_at <= end,
        )

    async def late(self, start: datetime, end: datetime) -> list[PlanItem]:
        return await self._items(
            OrderRow.status.in_([OrderStatus.NEW.value, OrderStatus.ASSIGNED.value]),
            OrderRow.scheduled_at >= start,
            OrderRow.scheduled_at < end,
        )

    async def untaken(self, since: datetime) -> list[OfferItem]:
        """Found through the recent "offer" events (indexed by time), not a scan of orders."""
        o, e = OrderRow, OrderEventRow
        offers = select(e.order_id).where(e.kind == "offer", e.created_at >= since)
        stmt = (
            select(o.id, o.organization_id, o.number, o.offered_at, o.scheduled_at)
            .add_columns(ClientRow.name, CategoryRow.name)
            .outerjoin(ClientRow, ClientRow.id == o.client_id)
            .outerjoin(CategoryRow, CategoryRow.id == o.category_id)
            .where(o.id.in_(offers), o.status == OrderStatus.NEW.value, o.offered_at >= since)
            .order_by(o.offered_at, o.number)
        )
        return [OfferItem(*row) for row in (await self._s.execute(stmt)).all()]

    async def _items(self, *conditions: Any) -> list[PlanItem]:
        o, c, k, u = OrderRow, ClientRow, CategoryRow, UserRow
        stmt = (
            select(*_ITEM_COLUMNS)
            .outerjoin(c, c.id == o.client_id)
            .outerjoin(k, k.id == o.category_id)
            .outerjoin(u, u.id == o.assignee_id)
            .where(*conditions)
            .order_by(o.scheduled_at, o.number)
        )
        return [_plan_item(row) for row in (await self._s.execute(stmt)).all()]

    async def changes(self, since: datetime, kinds: Collection[str]) -> list[ChangeEvent]:
        e, o = OrderEventRow, OrderRow
        stmt = (
            select(*_EVENT_COLUMNS)
            .join(o, o.id == e.order_id)
            .where(e.created_at >= since, e.kind.in_(list(kinds)))
            .order_by(e.id)
        )
        return [
            ChangeEvent(r[0], r[1], r[2], r[3], r[4], dict(r[5]), r[6], r[7], r[8])
            for r in (await self._s.execute(stmt)).all()
        ]


def _plan_item(row: Any) -> PlanItem:
    (oid, org, number, status, at, assignee_id, first, last, client, category, *place) = row
    name = " ".join(p for p in (first, last) if p) or None
    return PlanItem(
        int(oid), int(org), int(number), OrderStatus(status), at, assignee_id, name,
        client, category, *place,
    )  # fmt: skip


def _job_row(item: Outgoing, now: datetime) -> dict[str, Any]:
    return {
        "kind": item.job, "payload": item.payload, "run_at": now,
        "organization_id": item.organization_id, "dedup_key": item.key, "status": "pending",
        "attempts": 0, "max_attempts": 8, "created_at": now, "updated_at": now,
    }  # fmt: skip
