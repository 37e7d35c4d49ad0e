"""Changing a series: skip one visit, pause and resume, end it (or every series of a client),
and "this and following" (time, assignee, price). "This visit only" is the order's own
Reschedule / Assign / Edit: the order keeps its occurrence, so it is never made again.

Visits are cancelled through the order's own Cancel (its history, the assignee's and the
client's notices); each change is returned for the presentation layer to publish."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Literal

from core.domain import Actor, Order
from core.errors import DomainError
from core.orders.cards import visible_order
from core.orders.edits import Field
from core.orders.rules import OrderAction
from core.permissions import Action, require
from core.ports import UnitOfWork
from core.recurring.model import NewSeries, Series, SeriesState
from core.recurring.occurrences import fill
from core.recurring.rules import at_utc, count_before, from_key, key_of
from core.recurring.service import SeriesService, series_of
from core.views import OrderChange

Following = Literal["time", "assignee", "price"]


class SeriesChanges(SeriesService):
    async def skip(self, actor: Actor, order_id: int) -> OrderChange:
        """Cancel this visit only; the series goes on (the occurrence is not made again)."""
        require(actor, Action.ORDER_ASSIGN)
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            await series_of(uow, order)
            change = await self.orders.act(actor, order.id, OrderAction.CANCEL, uow)
            now = self._clock.now()
            await uow.orders.add_event(change.card.order, actor.user.id, "series_skip", {}, now)
            await uow.commit()
        return change

    async def pause(self, actor: Actor, order_id: int) -> list[OrderChange]:
        """No new visits; the coming ones not started are cancelled and their times freed,
        so resuming makes them again."""
        return await self._stop(actor, order_id, SeriesState.PAUSED)

    async def end(self, actor: Actor, order_id: int) -> list[OrderChange]:
        """The series ends; its coming visits not started are cancelled."""
        return await self._stop(actor, order_id, SeriesState.ENDED)

    async def resume(self, actor: Actor, order_id: int) -> list[Order]:
        """A paused series goes on: its visits from now to the horizon are made."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            series = await series_of(uow, order)
            if series.state is not SeriesState.PAUSED:
                raise DomainError("series_not_paused")
            now = self._clock.now()
            saved = await self._save(uow, replace(series, state=SeriesState.ACTIVE), now)
            await uow.orders.add_event(order, actor.user.id, "series_resumed", {}, now)
            made = await fill(uow, saved, actor.organization, now)
            await uow.commit()
        return made

    async def _stop(self, actor: Actor, order_id: int, state: SeriesState) -> list[OrderChange]:
        require(actor, Action.ORDER_ASSIGN)
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            series = await series_of(uow, order)
            if series.state is SeriesState.ENDED or series.state is state:
                raise DomainError("series_not_active")
            changes = await self._stop_series(uow, actor, series, state)
            await uow.commit()
        return changes

    async def _stop_series(
        self, uow: UnitOfWork, actor: Actor, series: Series, state: SeriesState
    ) -> list[OrderChange]:
        now = self._clock.now()
        await self._save(uow, replace(series, state=state), now)
        changes = []
        for visit in await uow.series.open_from(series.organization_id, series.id, now):
            if state is SeriesState.PAUSED:
                await uow.series.rekey(visit.id, series.id, None)
            changes.append(await self.orders.act(actor, visit.id, OrderAction.CANCEL, uow))
            event = "series_paused" if state is SeriesState.PAUSED else "series_ended"
            await uow.orders.add_event(changes[-1].card.order, actor.user.id, event, {}, now)
        return changes

    async def client_series(self, actor: Actor, client_id: int) -> list[Series]:
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.series.for_client(actor.organization.id, client_id)

    async def end_for_client(self, actor: Actor, client_id: int) -> list[OrderChange]:
        """Every series of the client ends (asked first by the presentation layer)."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        changes: list[OrderChange] = []
        async with self._uow() as uow:
            for series in await uow.series.for_client(actor.organization.id, client_id):
                changes += await self._stop_series(uow, actor, series, SeriesState.ENDED)
            await uow.commit()
        return changes

    async def following(
        self, uow: UnitOfWork, actor: Actor, order_id: int, what: Following, value: object
    ) -> list[OrderChange]:
        """This visit and the following ones get a new time, assignee or price. The series
        is split RFC 5545 style (THISANDFUTURE): the old one ends the day before this visit,
        a new one with the change starts at it and takes over the visits made already."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        now = self._clock.now()
        order = await visible_order(uow, actor, order_id)
        series = await series_of(uow, order)
        key = await uow.series.key_of(order.id)
        if series.state is not SeriesState.ACTIVE or key is None or not order.open:
            raise DomainError("series_not_active")
        local = from_key(key)
        series = await self._split(uow, actor, series, order, local, what, value, now)
        changes = []
        for visit in await uow.series.open_from(series.organization_id, series.id, now):
            visit_key = await uow.series.key_of(visit.id)
            if visit_key is None:
                continue
            change = await self._follow(uow, actor, series, visit.id, from_key(visit_key), what)
            if change is not None:
                changes.append(change)
        await fill(uow, series, actor.organization, now)
        return changes

    async def _split(
        self,
        uow: UnitOfWork,
        actor: Actor,
        series: Series,
        order: Order,
        local: datetime,
        what: Following,
        value: object,
        now: datetime,
    ) -> Series:
        rule = series.rule
        changed = replace(series, template_order_id=order.id)
        if what == "time":
            assert isinstance(value, time)
            rule = replace(rule, at=value)
        elif what == "assignee":
            changed = replace(changed, assignee_id=value if isinstance(value, int) else None)
        else:
            changed = replace(changed, price_minor=value if isinstance(value, int) else None)
        if local.date() == series.rule.start:  # from the first visit: the series itself
            return await self._save(uow, replace(changed, rule=rule), now)
        before = count_before(series.rule, local)
        ending = replace(series.rule, until=local.date() - timedelta(days=1), count=None)
        await self._save(uow, replace(series, rule=ending), now)
        count = None if rule.count is None else max(rule.count - before, 1)
        new = NewSeries(
            client_id=series.client_id,
            template_order_id=order.id,
            rule=replace(rule, start=local.date(), count=count),
            assignee_id=changed.assignee_id,
            price_minor=changed.price_minor,
            created_by=actor.user.id,
        )
        successor = await uow.series.add(series.organization_id, now, new)
        for visit in await uow.series.open_from(series.organization_id, series.id, now):
            visit_key = await uow.series.key_of(visit.id)
            if visit_key is not None and from_key(visit_key) >= local:
                await uow.series.rekey(visit.id, successor.id, visit_key)
        data = {"series": successor.id, "from": series.id, "change": what}
        await uow.orders.add_event(order, actor.user.id, "series_split", data, now)
        return successor

    async def _follow(
        self,
        uow: UnitOfWork,
        actor: Actor,
        series: Series,
        order_id: int,
        moment: datetime,
        what: Following,
    ) -> OrderChange | None:
        """One visit takes the series' new value; one that has it already stays as it is."""
        assert actor.organization is not None
        try:
            if what == "time":
                at = series.rule.at
                local = moment.replace(hour=at.hour, minute=at.minute)
                await uow.series.rekey(order_id, series.id, key_of(local))
                scheduled = at_utc(local, actor.organization.timezone)
                return await self.orders.act(
                    actor, order_id, OrderAction.RESCHEDULE, uow, scheduled_at=scheduled
                )
            if what == "assignee":
                return await self.orders.act(
                    actor, order_id, OrderAction.ASSIGN, uow, assignee_id=series.assignee_id
                )
            return await self.orders.act(
                actor, order_id, OrderAction.EDIT, uow, field=Field.PRICE,
                value=series.price_minor,
            )  # fmt: skip
        except DomainError as error:
            if error.code == "order_unchanged":
                return None
            raise

    async def _save(self, uow: UnitOfWork, series: Series, now: datetime) -> Series:
        saved = await uow.series.save(series, now)
        if saved is None:
            raise DomainError("series_changed")
        return saved
