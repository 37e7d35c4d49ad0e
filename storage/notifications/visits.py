"""The rows behind the numbers that are not plain sums (core/numbers/rules.py): the orders done
in a period with their times and whether their client was served before, and each payment's
moment for revenue by the organization's local day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import BigInteger, and_, cast, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.domain import OrderStatus
from core.numbers.rules import Visit
from storage.notifications.chunks import chunks
from storage.tables import OrderEventRow, OrderRow

DONE = OrderStatus.DONE.value


async def visits(
    session: AsyncSession, org_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, list[Visit]]:
    o, before = OrderRow, aliased(OrderRow)
    returning = (
        select(before.id)
        .where(
            before.organization_id == o.organization_id,
            before.client_id == o.client_id,
            before.status == DONE,
            before.done_at < start,
        )
        .exists()
    )
    found: dict[int, list[Visit]] = {}
    for ids in chunks(org_ids):
        stmt = select(
            o.organization_id, o.client_id, o.scheduled_at, o.started_at, o.done_at, returning
        ).where(
            o.organization_id.in_(ids),
            o.status == DONE,
            and_(o.done_at >= start, o.done_at < end),
        )
        for org, client, scheduled, started, done, back in (await session.execute(stmt)).all():
            visit = Visit(client, scheduled, started, done, bool(back))
            found.setdefault(int(org), []).append(visit)
    return found


async def payments(
    session: AsyncSession, org_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """Each payment in [start, end) as (when, minor units): the digest's revenue, by moment."""
    e = OrderEventRow
    amount = cast(e.data["amount_minor"].as_string(), BigInteger)
    stmt = select(e.created_at, amount).where(
        e.organization_id == org_id,
        e.kind == "pay",
        e.created_at >= start,
        e.created_at < end,
    )
    return [(moment, int(value or 0)) for moment, value in (await session.execute(stmt)).all()]
