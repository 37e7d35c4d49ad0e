"""Availability use cases (issue 20, item 11; docs/availability.md): a member's weekly hours
and absences, a sick day from the morning plan, the orders an absence leaves without a worker
with whom to give each to, one tap to reassign, and the warnings when an order is assigned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.availability.kinds import KindsView, does, kinds_view, toggle_kind
from core.availability.model import (
    AHEAD_DAYS,
    MAX_PROPOSALS,
    Affected,
    AssignWarning,
    AvailabilityView,
    AwayReport,
    Proposal,
)
from core.availability.rules import (
    Absence,
    AwayKind,
    away_on,
    clashes,
    day_bounds,
    local_day,
    visit_length,
    within_hours,
)
from core.client_loop.slots import SETTING, WorkingHours
from core.domain import Actor, Order, OrderStatus, Organization, Role, User
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderService
from core.permissions import Action, allowed, require, require_writable
from core.ports import Clock, UnitOfWork, UowFactory
from core.views import OrderChange


def _org(actor: Actor) -> Organization:
    if actor.organization is None:
        raise DomainError("no_organization")
    return actor.organization


class AvailabilityService:
    def __init__(self, uow: UowFactory, clock: Clock, orders: OrderService) -> None:
        self._uow = uow
        self._clock = clock
        self._orders = orders

    async def view(self, actor: Actor) -> AvailabilityView:
        org = _org(actor)
        uid = actor.user.id
        today = local_day(self._clock.now(), org.timezone)
        async with self._uow() as uow:
            own = (await uow.availability.hours(org.id, [uid])).get(uid)
            hours = own or await _org_hours(uow, org.id)
            ahead = today + timedelta(days=AHEAD_DAYS)
            absences = await uow.availability.absences(org.id, [uid], today, ahead)
        return AvailabilityView(hours, own is not None, tuple(absences))

    async def set_hours(self, uow: UnitOfWork, actor: Actor, hours: WorkingHours) -> None:
        org = _org(actor)
        require_writable(actor)
        await uow.availability.set_hours(org.id, actor.user.id, hours, self._clock.now())

    async def away(
        self, uow: UnitOfWork, actor: Actor, kind: AwayKind, first: date, last: date
    ) -> AwayReport:
        """A vacation or day off from `first` to `last` (typed in the conversation)."""
        org = _org(actor)
        require_writable(actor)
        if first < local_day(self._clock.now(), org.timezone):
            raise DomainError("away_days_past")
        now = self._clock.now()
        absence = await uow.availability.add_absence(org.id, actor.user.id, kind, first, last, now)
        return await self._report(uow, org, actor.user, absence)

    async def sick_today(self, actor: Actor, day: date) -> AwayReport:
        """ "I can't work today" on the morning plan of `day` (a plan of another day: refused)."""
        org = _org(actor)
        require_writable(actor)
        if day != local_day(self._clock.now(), org.timezone):
            raise DomainError("away_plan_over")
        async with self._uow() as uow:
            known = await uow.availability.absences(org.id, [actor.user.id], day, day)
            absence = next((a for a in known if a.kind is AwayKind.SICK), None)
            fresh = absence is None
            if absence is None:
                now = self._clock.now()
                absence = await uow.availability.add_absence(
                    org.id, actor.user.id, AwayKind.SICK, day, day, now
                )
            report = await self._report(uow, org, actor.user, absence)
            await uow.commit()
            return replace(report, fresh=fresh)

    async def remove(self, actor: Actor, absence_id: int) -> None:
        org = _org(actor)
        require_writable(actor)
        async with self._uow() as uow:
            if not await uow.availability.remove_absence(org.id, actor.user.id, absence_id):
                raise DomainError("not_found")
            await uow.commit()

    async def kinds(self, actor: Actor, membership_id: int) -> KindsView:
        async with self._uow() as uow:
            return await kinds_view(uow, actor, membership_id)

    async def toggle_kind(self, actor: Actor, membership_id: int, category_id: int) -> KindsView:
        async with self._uow() as uow:
            view = await toggle_kind(uow, actor, membership_id, category_id)
            await uow.commit()
            return view

    async def reassign(self, actor: Actor, order_id: int, worker_id: int) -> OrderChange:
        """One tap on a proposal: the order goes to that worker (the usual assignment)."""
        require(actor, Action.ORDER_ASSIGN)
        return await self._orders.act(actor, order_id, OrderAction.ASSIGN, assignee_id=worker_id)

    async def warning(self, actor: Actor, order: Order) -> AssignWarning | None:
        """What is wrong with the order's assignee at its time: other orders overlapping it,
        an absence, hours they do not work (None: nothing, or no time or assignee)."""
        org = _org(actor)
        worker_id, moment = order.assignee_id, order.scheduled_at
        if worker_id is None or moment is None:
            return None
        async with self._uow() as uow:
            length = visit_length(await uow.org_settings.preferences(org.id))
            others = await uow.availability.assigned_between(
                org.id, worker_id, moment - length, moment + length
            )
            day = local_day(moment, org.timezone)
            away = away_on(await uow.availability.absences(org.id, [worker_id], day, day), day)
            hours = (await uow.availability.hours(org.id, [worker_id])).get(worker_id)
            hours = hours or await _org_hours(uow, org.id)
            worker = await uow.users.get(worker_id)
        if worker is None:
            return None
        found = tuple(
            o
            for o in others
            if o.id != order.id and o.scheduled_at and clashes(moment, length, [o.scheduled_at])
        )
        outside = not within_hours(hours, moment, length, org.timezone)
        warning = AssignWarning(worker, found, away, outside)
        return warning if warning.any else None

    async def _report(
        self, uow: UnitOfWork, org: Organization, worker: User, absence: Absence
    ) -> AwayReport:
        """The worker's orders in the absence still to start, each with its proposals."""
        now = self._clock.now()
        start, end = day_bounds(absence.first_day, absence.last_day, org.timezone)
        orders = await uow.availability.assigned_between(
            org.id, worker.id, max(start, now - timedelta(hours=1)), end
        )
        waiting = [o for o in orders if o.status is OrderStatus.ASSIGNED]
        team = [v for v in await uow.members.team(org.id) if v.membership.active]
        workers = [v.user for v in team if v.membership.role is Role.WORKER]
        leads = tuple(
            v.user
            for v in team
            if allowed(v.membership.role, Action.ORDER_ASSIGN) and v.user.id != worker.id
        )
        others = [u for u in workers if u.id != worker.id]
        affected = [Affected(o, await self._proposals(uow, org, o, others)) for o in waiting]
        return AwayReport(absence, worker, tuple(affected), leads, org.timezone)

    async def _proposals(
        self, uow: UnitOfWork, org: Organization, order: Order, workers: list[User]
    ) -> tuple[Proposal, ...]:
        """Workers who do the order's kind of work (core/availability/kinds.py), free at its
        time (at work, not away, no overlapping order), fewest orders that day first."""
        moment = order.scheduled_at
        if moment is None or not workers:
            return ()
        if order.category_id is not None:
            kinds = await uow.availability.kinds(org.id, [u.id for u in workers])
            workers = [u for u in workers if does(kinds, u.id, order.category_id)]
        ids = [u.id for u in workers]
        day = local_day(moment, org.timezone)
        start, end = day_bounds(day, day, org.timezone)
        busy = await uow.client_loop.busy_times(org.id, ids, start, end, other_than=order.id)
        away = await uow.availability.absences(org.id, ids, day, day)
        own = await uow.availability.hours(org.id, ids)
        length = visit_length(await uow.org_settings.preferences(org.id))
        default = await _org_hours(uow, org.id)
        free = [
            Proposal(u, len(busy.get(u.id, ())))
            for u in workers
            if away_on([a for a in away if a.user_id == u.id], day) is None
            and within_hours(own.get(u.id, default), moment, length, org.timezone)
            and not clashes(moment, length, busy.get(u.id, ()))
        ]
        free.sort(key=lambda p: (p.orders_that_day, p.user.display_name.casefold(), p.user.id))
        return tuple(free[:MAX_PROPOSALS])


async def _org_hours(uow: UnitOfWork, org_id: int) -> WorkingHours:
    return WorkingHours.of((await uow.org_settings.preferences(org_id)).get(SETTING))
