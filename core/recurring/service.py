"""Series use cases: make an order recurring, keep every active series filled to the
organization's horizon (a durable daily job), show a series, and the organization's horizon
setting. Changing a series (skip, pause, resume, end, "this and following") is
`core.recurring.changes`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain import Actor, Job, Order, OrderStatus, Organization
from core.errors import DomainError
from core.orders.cards import visible_order
from core.orders.service import OrderService
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.recurring.model import (
    HORIZON_SETTING,
    MAX_HORIZON,
    NewSeries,
    Series,
    SeriesState,
    horizon_days,
)
from core.recurring.occurrences import fill
from core.recurring.rules import Rule, key_of, local_of

log = logging.getLogger(__name__)

FILL_JOB = "series_fill"
FILL_HOUR = 2  # UTC: the daily run, before the morning plans
FILL_BATCH = 50


@dataclass(frozen=True, slots=True)
class SeriesMade:
    series: Series
    order: Order  # the order it was made from: the first occurrence
    made: tuple[Order, ...]  # the further occurrences made now


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    series: Series
    order: Order
    organization: Organization


def next_fill(now: datetime) -> datetime:
    """The next FILL_HOUR:00 UTC strictly after `now`."""
    today = now.replace(hour=FILL_HOUR, minute=0, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


class SeriesService:
    def __init__(self, uow: UowFactory, clock: Clock, orders: OrderService) -> None:
        self._uow = uow
        self._clock = clock
        self.orders = orders

    async def make(self, uow: UnitOfWork, actor: Actor, order_id: int, rule: Rule) -> SeriesMade:
        """The order repeats by `rule` from its own time: it is the first occurrence, and
        the occurrences up to the horizon are made now (in the caller's transaction)."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        org = actor.organization
        order = await repeatable(uow, actor, order_id)
        now = self._clock.now()
        new = NewSeries(
            client_id=order.client_id,
            template_order_id=order.id,
            rule=rule,
            assignee_id=order.assignee_id,
            price_minor=order.price_minor,
            created_by=actor.user.id,
        )
        series = await uow.series.add(org.id, now, new)
        assert order.scheduled_at is not None
        await uow.series.rekey(
            order.id, series.id, key_of(local_of(order.scheduled_at, org.timezone))
        )
        data = {"series": series.id, "rule": rule.as_rrule(), "at": rule.at.strftime("%H:%M")}
        await uow.orders.add_event(order, actor.user.id, "series_made", data, now)
        made = await fill(uow, series, org, now)
        refreshed = await uow.orders.get(org.id, order.id) or order
        return SeriesMade(series, refreshed, tuple(made))

    async def info(self, actor: Actor, order_id: int) -> SeriesInfo:
        """The series an order belongs to, for its menu."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            series = await series_of(uow, order)
        return SeriesInfo(series, order, actor.organization)

    async def fill_all(self) -> int:
        """Every active series filled to its organization's horizon, one series per
        transaction (locked while filled, so two runs never make one occurrence twice)."""
        made, after = 0, 0
        while True:
            async with self._uow() as uow:
                batch = await uow.series.active_ids(after, FILL_BATCH)
            for org_id, series_id in batch:
                try:
                    made += await self._fill_one(org_id, series_id)
                except DomainError as error:  # a rule broken in storage: the rest go on
                    log.warning("series %s not filled: %s", series_id, error.code)
            if len(batch) < FILL_BATCH:
                return made
            after = batch[-1][1]

    async def _fill_one(self, org_id: int, series_id: int) -> int:
        async with self._uow() as uow:
            series = await uow.series.get(org_id, series_id, lock=True)
            org = await uow.orgs.get(org_id)
            if series is None or org is None:
                return 0
            made = await fill(uow, series, org, self._clock.now())
            await uow.commit()
        return len(made)

    async def fill_job(self, _job: Job) -> None:
        """The daily job: fill, then queue tomorrow's run."""
        await self.fill_all()
        await self.schedule_fill()

    async def schedule_fill(self) -> None:
        """Make sure the next daily fill is queued (once per day, whoever asks)."""
        run_at = next_fill(self._clock.now())
        async with self._uow() as uow:
            await uow.jobs.enqueue(FILL_JOB, {}, run_at, None, f"{FILL_JOB}:{run_at:%Y%m%d}")
            await uow.commit()

    async def horizon(self, actor: Actor) -> int:
        require(actor, Action.ORDER_VIEW_ALL)
        assert actor.organization is not None
        async with self._uow() as uow:
            stored = await uow.org_settings.preferences(actor.organization.id)
        return horizon_days(stored.get(HORIZON_SETTING))

    async def set_horizon(self, actor: Actor, days: int) -> int:
        """How many days ahead series' visits are made (owners; audited)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        if isinstance(days, bool) or not 1 <= days <= MAX_HORIZON:
            raise DomainError("series_horizon_range", limit=MAX_HORIZON)
        org_id, now = actor.organization.id, self._clock.now()
        async with self._uow() as uow:
            old = (await uow.org_settings.preferences(org_id)).get(HORIZON_SETTING)
            await uow.org_settings.set_preferences(org_id, {HORIZON_SETTING: days}, now)
            await record(
                uow, actor, AuditAction.SETTING_CHANGED, now, None,
                name=HORIZON_SETTING, old=horizon_days(old), new=days,
            )  # fmt: skip
            await uow.commit()
        return days


async def repeatable(uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
    """An order that may become the first of a series: visible, open, not started,
    scheduled, and not in a series already (owners and managers)."""
    require(actor, Action.ORDER_ASSIGN)
    order = await visible_order(uow, actor, order_id)
    if order.series_id is not None:
        raise DomainError("series_already", number=order.number)
    if order.scheduled_at is None:
        raise DomainError("series_unscheduled", number=order.number)
    if order.status not in (OrderStatus.NEW, OrderStatus.ASSIGNED):
        raise DomainError("series_not_open", number=order.number)
    return order


async def series_of(uow: UnitOfWork, order: Order) -> Series:
    if order.series_id is None:
        raise DomainError("series_gone")
    series = await uow.series.get(order.organization_id, order.series_id)
    if series is None:
        raise DomainError("series_gone")
    return series


__all__ = ["FILL_JOB", "SeriesInfo", "SeriesMade", "SeriesService", "SeriesState"]
