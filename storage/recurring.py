"""Recurring series in SQL (`core.recurring.ports`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import Order, OrderStatus
from core.recurring.model import NewSeries, Series, SeriesState
from core.recurring.rules import Freq, Rule
from storage.orders.order_rows import COLUMNS, order_of
from storage.tables import OrderRow
from storage.tables_series import SeriesRow

_series = SeriesRow.__table__
_order = OrderRow.__table__
_NOT_STARTED = (OrderStatus.NEW.value, OrderStatus.ASSIGNED.value)


def _freq(value: str) -> Freq:
    return "daily" if value == "daily" else "monthly" if value == "monthly" else "weekly"


def _to_series(row: SeriesRow) -> Series:
    assert row.id is not None
    hour, minute = (int(part) for part in row.local_time.split(":"))
    rule = Rule(
        freq=_freq(row.freq),
        interval=row.interval,
        start=row.starts_on,
        at=time(hour, minute),
        weekdays=tuple(int(d) for d in row.weekdays),
        until=row.until,
        count=row.count,
    )
    return Series(
        id=row.id,
        organization_id=row.organization_id,
        client_id=row.client_id,
        template_order_id=row.template_order_id,
        rule=rule,
        assignee_id=row.assignee_id,
        price_minor=row.price_minor,
        state=SeriesState(row.state),
        created_by=row.created_by,
        created_at=row.created_at,
        version=row.version,
    )


def _rule_columns(rule: Rule) -> dict[str, object]:
    return {
        "freq": rule.freq,
        "interval": rule.interval,
        "weekdays": "".join(str(d) for d in rule.weekdays),
        "starts_on": rule.start,
        "local_time": rule.at.strftime("%H:%M"),
        "until": rule.until,
        "count": rule.count,
    }


class SqlSeriesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, org_id: int, now: datetime, new: NewSeries) -> Series:
        row = SeriesRow(
            organization_id=org_id,
            client_id=new.client_id,
            template_order_id=new.template_order_id,
            assignee_id=new.assignee_id,
            price_minor=new.price_minor,
            state=SeriesState.ACTIVE.value,
            created_by=new.created_by,
            created_at=now,
            updated_at=now,
            **_rule_columns(new.rule),
        )
        self._s.add(row)
        await self._s.flush()
        return _to_series(row)

    async def get(self, org_id: int, series_id: int, lock: bool = False) -> Series | None:
        stmt = select(SeriesRow).where(
            SeriesRow.organization_id == org_id, SeriesRow.id == series_id
        )
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._s.execute(stmt.execution_options(populate_existing=True))).scalar()
        return _to_series(row) if row is not None else None

    async def many(self, org_id: int, ids: Sequence[int]) -> dict[int, Series]:
        if not ids:
            return {}
        stmt = select(SeriesRow).where(
            SeriesRow.organization_id == org_id, SeriesRow.id.in_(sorted(set(ids)))
        )
        rows = (await self._s.execute(stmt)).scalars()
        return {s.id: s for s in map(_to_series, rows)}

    async def save(self, series: Series, now: datetime) -> Series | None:
        stmt = (
            update(_series)
            .where(
                _series.c.organization_id == series.organization_id,
                _series.c.id == series.id,
                _series.c.version == series.version,
            )
            .values(
                state=series.state.value,
                template_order_id=series.template_order_id,
                assignee_id=series.assignee_id,
                price_minor=series.price_minor,
                updated_at=now,
                version=series.version + 1,
                **_rule_columns(series.rule),
            )
        )
        if (await self._s.execute(stmt)).rowcount != 1:
            return None
        return await self.get(series.organization_id, series.id)

    async def active_ids(self, after_id: int, limit: int) -> list[tuple[int, int]]:
        stmt = (
            select(_series.c.organization_id, _series.c.id)
            .where(_series.c.state == SeriesState.ACTIVE.value, _series.c.id > after_id)
            .order_by(_series.c.id)
            .limit(limit)
        )
        return [(org, sid) for org, sid in (await self._s.execute(stmt)).all()]

    async def of_org(self, org_id: int) -> list[Series]:
        stmt = (
            select(SeriesRow)
            .where(
                SeriesRow.organization_id == org_id,
                SeriesRow.state != SeriesState.ENDED.value,
            )
            .order_by(SeriesRow.id)
        )
        return [_to_series(r) for r in (await self._s.execute(stmt)).scalars()]

    async def for_client(self, org_id: int, client_id: int) -> list[Series]:
        stmt = (
            select(SeriesRow)
            .where(
                SeriesRow.organization_id == org_id,
                SeriesRow.client_id == client_id,
                SeriesRow.state != SeriesState.ENDED.value,
            )
            .order_by(SeriesRow.id)
        )
        return [_to_series(r) for r in (await self._s.execute(stmt)).scalars()]

    async def keys(self, series_id: int) -> set[str]:
        stmt = select(_order.c.occurrence).where(
            _order.c.series_id == series_id, _order.c.occurrence.is_not(None)
        )
        return set((await self._s.execute(stmt)).scalars())

    async def key_of(self, order_id: int) -> str | None:
        stmt = select(_order.c.occurrence).where(_order.c.id == order_id)
        return (await self._s.execute(stmt)).scalar()

    async def open_from(self, org_id: int, series_id: int, since: datetime) -> list[Order]:
        stmt = (
            select(*COLUMNS)
            .where(
                _order.c.organization_id == org_id,
                _order.c.series_id == series_id,
                _order.c.scheduled_at >= since,
                _order.c.status.in_(_NOT_STARTED),
            )
            .order_by(_order.c.scheduled_at, _order.c.id)
        )
        return [order_of(row) for row in (await self._s.execute(stmt)).all()]

    async def rekey(self, order_id: int, series_id: int, key: str | None) -> None:
        stmt = (
            update(_order)
            .where(_order.c.id == order_id)
            .values(series_id=series_id, occurrence=key, version=_order.c.version + 1)
        )
        await self._s.execute(stmt)
