"""A client's visit as their answers act on it (issue 19, item 5): whose it is, whether it can
still be answered, the free times it may move to, and the move and the cancellation
themselves, each written in the caller's unit of work (the caller commits).

Shared by the reminder's buttons and the client page (`core.client_loop.answers`) and the
typed cancellation reason (`core.client_loop.reasons`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from core.availability.free import busy_or_away
from core.changes import KEEP, OrderUpdate
from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.notices import notify_staff
from core.client_loop.page import NOT_STARTED, REASON_MAX
from core.client_loop.slots import HORIZON, SETTING, VISIT, WorkingHours, free_slots
from core.client_loop.tokens import PAGE_GRACE
from core.domain import Order, OrderStatus, Organization, OrgStatus
from core.errors import DomainError
from core.orders.rules import OrderAction, next_status
from core.ports import UnitOfWork

FOREIGN = "client_button_foreign"


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
    times: tuple[datetime, ...] = ()  # TAKEN: the free times now, to choose another


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
    busy = await busy_or_away(uow, org, hours, people, busy, now)  # absences (issue 20.11)
    return free_slots(now, org.timezone, hours, people, busy, own=order.scheduled_at)


async def linked_visit(uow: UnitOfWork, user_id: int, org_id: int, order_id: int) -> Visit:
    """The order of the client linked as `user_id` in the organization; another client's
    or organization's order, or no link: `client_button_foreign`."""
    link = await uow.client_loop.link_of_user(org_id, user_id)
    org = await uow.orgs.get(org_id) if link is not None else None
    order = await uow.orders.get(org_id, order_id) if org is not None else None
    if link is None or org is None or order is None or order.client_id != link.client_id:
        raise DomainError(FOREIGN)
    return Visit(org, order, link.client_id, Channel.TELEGRAM)


async def move_visit(
    uow: UnitOfWork, visit: Visit, at: int | None, to: datetime, now: datetime
) -> Outcome:
    """Move the visit to `to` if it is one of the free times now (the caller commits).

    The free times are read after the organization's times are locked
    (`lock_times`), so two clients choosing the same start at the same moment (on the
    page, in Telegram, or one of each) cannot both get it: the second waits for the
    first's transaction, then finds the start taken (`TAKEN`, with the free times now)."""
    refused = refusal(visit, at)
    zone = visit.org.timezone
    if refused is not None:
        return Outcome(refused, visit.order, zone=zone)
    await uow.client_loop.lock_times(visit.org.id)  # one move at a time: no double booking
    free = await free_times(uow, visit.org, visit.order, now)
    if to not in free:
        return Outcome(Answer.TAKEN, visit.order, zone=zone, times=tuple(free))
    order, was = visit.order, visit.order.scheduled_at
    changed = await uow.orders.change(order, now, OrderUpdate(scheduled_at=to))
    if changed is None:
        return Outcome(Answer.CHANGED, zone=zone)
    data = {"from": _iso(was), "to": _iso(to), "by": "client"}
    await uow.orders.add_event(changed, None, OrderAction.RESCHEDULE.value, data, now)
    await uow.client_loop.add_message(visit.org.id, incoming(visit, MessageKind.RESCHEDULED), now)
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
    new = incoming(visit, MessageKind.CANCELLED, reason)
    await uow.client_loop.add_message(visit.org.id, new, now)
    await uow.client_loop.expire_pages(visit.org.id, order.id, now + PAGE_GRACE)
    await notify_staff(uow, changed, "cancelled", now, reason=reason)
    return Outcome(Answer.CANCELLED, changed, zone=zone)


def incoming(visit: Visit, kind: MessageKind, body: str = "") -> NewClientMessage:
    return NewClientMessage(
        client_id=visit.client_id, direction=Direction.IN, kind=kind, channel=visit.channel,
        body=body, order_id=visit.order.id, status=DeliveryStatus.DELIVERED,
    )  # fmt: skip
