"""Digest facts for many organizations at once: a handful of GROUP BY organization_id queries
over orders and payment events, whatever the number of organizations or orders.

Organization ids travel in chunks (a bind parameter each), so 10,000 organizations are two or
three statements per query, not one per organization.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import OrderStatus
from core.notifications.digest import EXCEPTION_ORDER, Facts, OrderRef
from core.notifications.ports import Exceptions
from core.numbers.rules import Visit
from storage.notifications import visits as visit_rows
from storage.notifications.chunks import chunks
from storage.tables import OrderEventRow, OrderRow, UserRow

_NOT_STARTED = [OrderStatus.NEW.value, OrderStatus.ASSIGNED.value]


def _within(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


class SqlDigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def numbers(
        self, org_ids: Collection[int], start: datetime, end: datetime, per_worker: bool = True
    ) -> dict[int, Facts]:
        found: dict[int, dict[str, Any]] = {}
        for ids in chunks(org_ids):
            await self._counts(ids, start, end, found)
            await self._revenue(ids, start, end, found)
            if per_worker:
                await self._done_by_worker(ids, start, end, found)
        return {org: Facts(**values) for org, values in found.items()}

    async def _counts(
        self, ids: list[int], start: datetime, end: datetime, found: dict[int, dict[str, Any]]
    ) -> None:
        o = OrderRow
        created = _within(o.created_at, start, end)
        done = and_(o.status == OrderStatus.DONE.value, _within(o.done_at, start, end))
        cancelled = and_(
            o.status == OrderStatus.CANCELLED.value, _within(o.cancelled_at, start, end)
        )
        stmt = (
            select(o.organization_id, _count_if(created), _count_if(done), _count_if(cancelled))
            .where(o.organization_id.in_(ids), created | done | cancelled)
            .group_by(o.organization_id)
        )
        for org, c, d, x in (await self._s.execute(stmt)).all():
            found.setdefault(org, {}).update(created=int(c), done=int(d), cancelled=int(x))

    async def _revenue(
        self, ids: list[int], start: datetime, end: datetime, found: dict[int, dict[str, Any]]
    ) -> None:
        e = OrderEventRow
        # Grouped by the label: PostgreSQL cannot match two copies of a JSON path expression
        # whose path is a bind parameter each.
        amount = cast(e.data["amount_minor"].as_string(), BigInteger)
        stmt = (
            select(
                e.organization_id, e.data["method"].as_string().label("method"), func.sum(amount)
            )
            .where(e.organization_id.in_(ids), e.kind == "pay", _within(e.created_at, start, end))
            .group_by(e.organization_id, literal_column("method"))
        )
        for org, name, amount in (await self._s.execute(stmt)).all():
            revenue = found.setdefault(org, {}).setdefault("revenue", {})
            revenue[str(name or "other")] = int(amount or 0)

    async def _done_by_worker(
        self, ids: list[int], start: datetime, end: datetime, found: dict[int, dict[str, Any]]
    ) -> None:
        o = OrderRow
        stmt = (
            select(o.organization_id, o.assignee_id, func.count())
            .where(
                o.organization_id.in_(ids),
                o.status == OrderStatus.DONE.value,
                o.assignee_id.is_not(None),
                _within(o.done_at, start, end),
            )
            .group_by(o.organization_id, o.assignee_id)
        )
        for org, user_id, count in (await self._s.execute(stmt)).all():
            found.setdefault(org, {}).setdefault("done_by_worker", {})[int(user_id)] = int(count)

    async def exceptions(
        self, org_ids: Collection[int], start: datetime, end: datetime, now: datetime, limit: int
    ) -> dict[int, Exceptions]:
        """One UNION ALL query per chunk: each kind numbered within its organization, the first
        `limit` kept, with the kind's total alongside."""
        lists: dict[int, dict[str, list[OrderRef]]] = {}
        totals: dict[int, dict[str, int]] = {}
        owed: dict[int, int] = {}
        for ids in chunks(org_ids):
            ranked = union_all(*_exception_queries(ids, start, end, now)).subquery()
            stmt = (
                select(ranked)
                .where(ranked.c.rn <= limit)
                .order_by(ranked.c.org, ranked.c.kind, ranked.c.rn)
            )
            for row in (await self._s.execute(stmt)).all():
                refs = lists.setdefault(row.org, {}).setdefault(row.kind, [])
                unpaid = row.kind == "unpaid"
                refs.append(OrderRef(int(row.id), int(row.number), int(row.due) if unpaid else 0))
                totals.setdefault(row.org, {})[row.kind] = int(row.total)
                if unpaid:
                    owed[row.org] = int(row.owed)
        return {
            org: Exceptions({k: tuple(v) for k, v in kinds.items()}, totals[org], owed.get(org, 0))
            for org, kinds in lists.items()
        }

    async def visits(
        self, org_ids: Collection[int], start: datetime, end: datetime
    ) -> dict[int, list[Visit]]:
        return await visit_rows.visits(self._s, org_ids, start, end)

    async def payments(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[tuple[datetime, int]]:
        return await visit_rows.payments(self._s, org_id, start, end)

    async def names(self, user_ids: Collection[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for ids in chunks(user_ids):
            stmt = select(UserRow.id, UserRow.first_name, UserRow.last_name).where(
                UserRow.id.in_(ids)
            )
            for uid, first, last in (await self._s.execute(stmt)).all():
                found[int(uid)] = " ".join(p for p in (first, last) if p) or "?"
        return found


def _exception_queries(
    ids: Sequence[int], start: datetime, end: datetime, now: datetime
) -> list[Any]:
    o = OrderRow
    conditions = {
        "overdue": (
            and_(o.status.in_(_NOT_STARTED), o.scheduled_at < now),
            (o.scheduled_at, o.number),
        ),
        "unassigned": (
            and_(o.status == OrderStatus.NEW.value, o.assignee_id.is_(None)),
            (o.scheduled_at.is_(None), o.scheduled_at, o.number),
        ),
        "unpaid": (
            and_(o.status == OrderStatus.DONE.value, o.price_minor > o.paid_minor),
            (o.done_at.desc(), o.number),
        ),
        "cancelled": (
            and_(o.status == OrderStatus.CANCELLED.value, _within(o.cancelled_at, start, end)),
            (o.cancelled_at.desc(), o.number),
        ),
    }
    assert tuple(conditions) == EXCEPTION_ORDER
    due = func.coalesce(o.price_minor, 0) - o.paid_minor  # what is still to collect
    return [
        select(
            literal(kind).label("kind"),
            o.organization_id.label("org"),
            o.id.label("id"),
            o.number.label("number"),
            func.row_number().over(partition_by=o.organization_id, order_by=order).label("rn"),
            func.count().over(partition_by=o.organization_id).label("total"),
            due.label("due"),
            func.sum(due).over(partition_by=o.organization_id).label("owed"),
        ).where(o.organization_id.in_(ids), condition)
        for kind, (condition, order) in conditions.items()
    ]
