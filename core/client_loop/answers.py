"""What a client answers to a reminder (issue 19, item 5), from their Telegram chat or the
client page: confirm the visit, move it to a free time, or cancel it with a reason.

Every answer names the organization, the order and the order's time the reminder was about
(`at`, minutes since the epoch): the tapping person must be linked in that organization as the
order's client (else `client_button_foreign`, nothing of the order is read out), and a
reminder about a time the order no longer has answers `OUTDATED`. One unit of work each.

- **Confirm**: an incoming `confirmation` in the client log and a `client_confirmed` event on
  the order (a new version, so two at once record one); the staff card shows it.
- **Move**: only a start `free_times` offers now (`core.client_loop.slots`); the order's time
  changes with a `reschedule` event (`by: client`, the old and new time) like a staff move, so
  the handler's client confirmation follows with the calendar SEQUENCE one higher; the
  assignee and the manager hear of it with both times (a `client_answer_notice` job).
- **Cancel**: with a reason, as the client page cancels (`core.client_loop.page`); the manager
  hears at once (the same job), the assignee too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from core.changes import KEEP, OrderUpdate
from core.client_loop.hours import WorkingHoursSetup
from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.notices import NOTICE_JOB as NOTICE_JOB
from core.client_loop.notices import notify_staff
from core.client_loop.page import CONFIRMED_EVENT, NOT_STARTED, REASON_MAX, page_access
from core.client_loop.slots import HORIZON, SETTING, VISIT, WorkingHours, free_slots
from core.client_loop.tokens import PAGE_GRACE
from core.domain import Order, OrderStatus, Organization, OrgStatus, Role, User
from core.errors import DomainError
from core.orders.rules import OrderAction, next_status
from core.ports import Clock, UnitOfWork, UowFactory

FOREIGN = "client_button_foreign"
LEADS = frozenset({Role.OWNER, Role.MANAGER})


class Answer(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    MOVED = "moved"
    TAKEN = "taken"  # the chosen time is not free any more
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    CLOSED = "closed"  # started, finished, or the organization is not active
    OUTDATED = "outdated"  # the order's time changed since the reminder
    CHANGED = "changed"  # staff changed the order at the same moment


@dataclass(frozen=True, slots=True)
class Visit:
    org: Organization
    order: Order
    client_id: int
    channel: Channel


@dataclass(frozen=True, slots=True)
class Outcome:
    answer: Answer
    order: Order | None = None  # as changed (moved, cancelled)
    was: datetime | None = None  # the time before a move
    zone: str = "UTC"


def minutes(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def from_minutes(value: int) -> datetime:
    return datetime.fromtimestamp(value * 60, UTC)


def refusal(visit: Visit, at: int | None) -> Answer | None:
    """Why the visit cannot be answered now (None: it can)."""
    order = visit.order
    if order.status is OrderStatus.CANCELLED:
        return Answer.ALREADY_CANCELLED
    if visit.org.status is not OrgStatus.ACTIVE or order.status not in NOT_STARTED:
        return Answer.CLOSED
    if at is not None and (order.scheduled_at is None or minutes(order.scheduled_at) != at):
        return Answer.OUTDATED
    return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def free_times(
    uow: UnitOfWork, org: Organization, order: Order, now: datetime
) -> list[datetime]:
    """Starts the order could move to: free for its assignee, or (unassigned) for some
    active worker, within the organization's working hours in the next 7 days."""
    stored = (await uow.org_settings.preferences(org.id)).get(SETTING)
    hours = WorkingHours.of(stored)
    if order.assignee_id is not None:
        people = [order.assignee_id]
    else:
        people = await uow.client_loop.active_workers(org.id)
    busy = await uow.client_loop.busy_times(
        org.id, people, now - VISIT, now + HORIZON + VISIT, other_than=order.id
    )
    return free_slots(now, org.timezone, hours, people, busy, own=order.scheduled_at)


@dataclass(frozen=True, slots=True)
class StaffNotice:
    org: Organization
    order: Order
    people: tuple[User, ...]  # the assignee and the manager (or, without one, the leads)


class ClientAnswers(WorkingHoursSetup):
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def visit(self, uow: UnitOfWork, user_id: int, org_id: int, order_id: int) -> Visit:
        """The order of the client linked as `user_id` in the organization; another client's
        or organization's order, or no link: `client_button_foreign`."""
        link = await uow.client_loop.link_of_user(org_id, user_id)
        org = await uow.orgs.get(org_id) if link is not None else None
        order = await uow.orders.get(org_id, order_id) if org is not None else None
        if link is None or org is None or order is None or order.client_id != link.client_id:
            raise DomainError(FOREIGN)
        return Visit(org, order, link.client_id, Channel.TELEGRAM)

    async def staff_notice(self, org_id: int, order_id: int) -> StaffNotice | None:
        """Who hears what a client did: the order's assignee and its manager (the member who
        created it, if still an active owner or manager; else every active owner and
        manager). None: the organization or the order is gone."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            order = await uow.orders.get(org_id, order_id) if org is not None else None
            if org is None or order is None:
                return None
            team = [v for v in await uow.members.team(org_id) if v.membership.active]
        leads = [v.user for v in team if v.membership.role in LEADS]
        people = [v.user for v in team if v.user.id == order.assignee_id]
        manager = [u for u in leads if u.id == order.created_by]
        for user in manager or leads:
            if user.id not in {p.id for p in people}:
                people.append(user)
        return StaffNotice(org, order, tuple(people))

    async def confirm(self, user_id: int, org_id: int, order_id: int, at: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            if await _confirmed(uow, visit):
                return Outcome(Answer.ALREADY_CONFIRMED, visit.order, zone=visit.org.timezone)
            refused = refusal(visit, at)
            if refused is not None:
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            now = self._clock.now()
            changed = await uow.orders.change(visit.order, now, OrderUpdate())
            if changed is None:
                return Outcome(Answer.CHANGED)
            await uow.client_loop.add_message(
                org_id, _incoming(visit, MessageKind.CONFIRMATION), now
            )
            await uow.orders.add_event(changed, None, CONFIRMED_EVENT, {"by": "client"}, now)
            await uow.commit()
        return Outcome(Answer.CONFIRMED, changed, zone=visit.org.timezone)

    async def page_visit(self, uow: UnitOfWork, token: str) -> Visit:
        """The order of a client page token, checked as the page checks it."""
        access = await page_access(uow, token, self._clock.now())
        return Visit(access.org, access.order, access.page.client_id, Channel.PAGE)

    async def page_times(self, token: str) -> list[datetime]:
        """The free times the page lists (none when the visit cannot move)."""
        async with self._uow() as uow:
            visit = await self.page_visit(uow, token)
            if refusal(visit, None) is not None:
                return []
            return await free_times(uow, visit.org, visit.order, self._clock.now())

    async def page_move(self, token: str, to: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.page_visit(uow, token)
            outcome = await move_visit(uow, visit, None, from_minutes(to), self._clock.now())
            if outcome.answer is Answer.MOVED:
                await uow.commit()
        return outcome

    async def check(self, user_id: int, org_id: int, order_id: int, at: int) -> Outcome:
        """Whether the visit can still be answered (`MOVED` stands for "yes")."""
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
        refused = refusal(visit, at)
        return Outcome(refused or Answer.MOVED, visit.order, zone=visit.org.timezone)

    async def times(
        self, user_id: int, org_id: int, order_id: int, at: int
    ) -> tuple[Outcome, list[datetime]]:
        """The free starts to offer (none when the order cannot move)."""
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            refused = refusal(visit, at)
            zone = visit.org.timezone
            if refused is not None:
                return Outcome(refused, visit.order, zone=zone), []
            found = await free_times(uow, visit.org, visit.order, self._clock.now())
        return Outcome(Answer.MOVED, visit.order, zone=zone), found

    async def move(self, user_id: int, org_id: int, order_id: int, at: int, to: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            outcome = await move_visit(uow, visit, at, from_minutes(to), self._clock.now())
            if outcome.answer is Answer.MOVED:
                await uow.commit()
        return outcome

    async def cancel(
        self, user_id: int, org_id: int, order_id: int, at: int, reason: str
    ) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            refused = refusal(visit, at)
            if refused is not None:
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            outcome = await cancel_visit(uow, visit, reason, self._clock.now())
            if outcome.answer is Answer.CANCELLED:
                await uow.commit()
        return outcome


async def move_visit(
    uow: UnitOfWork, visit: Visit, at: int | None, to: datetime, now: datetime
) -> Outcome:
    """Move the visit to `to` if it is one of the free times now (the caller commits)."""
    refused = refusal(visit, at)
    zone = visit.org.timezone
    if refused is not None:
        return Outcome(refused, visit.order, zone=zone)
    if to not in await free_times(uow, visit.org, visit.order, now):
        return Outcome(Answer.TAKEN, visit.order, zone=zone)
    order, was = visit.order, visit.order.scheduled_at
    changed = await uow.orders.change(order, now, OrderUpdate(scheduled_at=to))
    if changed is None:
        return Outcome(Answer.CHANGED, zone=zone)
    data = {"from": _iso(was), "to": _iso(to), "by": "client"}
    await uow.orders.add_event(changed, None, OrderAction.RESCHEDULE.value, data, now)
    await uow.client_loop.add_message(visit.org.id, _incoming(visit, MessageKind.RESCHEDULED), now)
    await notify_staff(uow, changed, "moved", now, was=was)
    return Outcome(Answer.MOVED, changed, was, zone)


async def cancel_visit(uow: UnitOfWork, visit: Visit, reason: str, now: datetime) -> Outcome:
    """Cancel the visit with the client's reason (the caller commits)."""
    reason = reason.strip()[:REASON_MAX]
    order, zone = visit.order, visit.org.timezone
    target = next_status(order, OrderAction.CANCEL)
    changes = OrderUpdate(
        status=target, cancelled_at=now, settled_at=KEEP if order.settled else now
    )
    changed = await uow.orders.change(order, now, changes)
    if changed is None:
        return Outcome(Answer.CHANGED, zone=zone)
    data = {"from": order.status.value, "to": target.value, "by": "client", "reason": reason}
    await uow.orders.add_event(changed, None, OrderAction.CANCEL.value, data, now)
    new = _incoming(visit, MessageKind.CANCELLED, reason)
    await uow.client_loop.add_message(visit.org.id, new, now)
    await uow.client_loop.expire_pages(visit.org.id, order.id, now + PAGE_GRACE)
    await notify_staff(uow, changed, "cancelled", now, reason=reason)
    return Outcome(Answer.CANCELLED, changed, zone=zone)


def _incoming(visit: Visit, kind: MessageKind, body: str = "") -> NewClientMessage:
    return NewClientMessage(
        client_id=visit.client_id, direction=Direction.IN, kind=kind, channel=visit.channel,
        body=body, order_id=visit.order.id, status=DeliveryStatus.DELIVERED,
    )  # fmt: skip


async def _confirmed(uow: UnitOfWork, visit: Visit) -> bool:
    messages = await uow.client_loop.order_messages(visit.org.id, visit.order.id)
    return any(
        m.direction is Direction.IN and m.kind is MessageKind.CONFIRMATION for m in messages
    )
