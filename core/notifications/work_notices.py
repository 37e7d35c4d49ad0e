"""What the day's work needs people to hear: each worker's morning plan, a reminder before each
order, an update when their plan changes, and managers' alerts about orders not started and
about offers to all that nobody took.

Each function looks at everything due across all organizations with a few queries and returns
the messages to record; `NotificationService.tick` records them with their jobs at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from core.domain import Role
from core.notifications.rules import (
    OFFER_WAIT,
    OVERDUE_JOB,
    OVERDUE_MINUTES,
    PLAN_JOB,
    PLAN_UPDATE_JOB,
    REMINDER_JOB,
    REMINDER_MINUTES,
    UNTAKEN_JOB,
    ChangeEvent,
    Kind,
    OfferItem,
    Outgoing,
    PlanItem,
    Recipient,
    overdue_key,
    plan_key,
    reminder_key,
    untaken_key,
    update_key,
)
from core.notifications.schedule import (
    day_bounds,
    due_today,
    in_quiet_hours,
    local_date,
    overdue,
    reminder_due,
    untaken_due,
)
from core.permissions import Action, allowed
from core.ports import UnitOfWork

OVERDUE_HORIZON = timedelta(hours=12)  # after a long outage, older orders are the digest's
UNTAKEN_HORIZON = timedelta(hours=18)  # outlasts quiet hours; older offers are the digest's
UNTAKEN = "untaken"  # the sent ledger's kind (no preference turns it off: leads dispatch)
UPDATE_LOOKBACK = timedelta(hours=2)
UPDATE_EVENTS = ("assign", "cancel", "reschedule")
PLAN_ROLES = tuple(r for r in Role if allowed(r, Action.PLAN_RECEIVE))
ALERT_ROLES = tuple(r for r in Role if allowed(r, Action.ORDER_ASSIGN))


class Item(Protocol):
    """An order as a scheduled message carries it."""

    @property
    def organization_id(self) -> int: ...
    def as_data(self) -> dict[str, Any]: ...


ItemT = TypeVar("ItemT", bound=Item)


def held(r: Recipient, now: datetime) -> bool:
    """In the person's quiet hours: only urgent messages go now, the rest wait for the end."""
    return in_quiet_hours(now, r.zone, r.prefs.quiet_start, r.prefs.quiet_end)


async def unsent(uow: UnitOfWork, keys: Iterable[str], known: set[str]) -> set[str]:
    """The keys not recorded yet; `known` caches keys seen recorded (they stay recorded)."""
    candidates = {k for k in keys if k not in known}
    if not candidates:
        return set()
    sent = await uow.notifications.sent(candidates)
    known.update(sent)
    return candidates - set(sent)


def plan_payload(r: Recipient, day: date, items: list[PlanItem]) -> dict[str, object]:
    return {
        **r.address(),
        "organization": r.organization.name,
        "zone": r.zone,
        "day": day.isoformat(),
        "items": [i.as_data() for i in items],
    }


async def _plan_items(
    uow: UnitOfWork, wanted: Collection[tuple[Recipient, date]]
) -> dict[tuple[int, int], list[PlanItem]]:
    """Each person's orders on their local day, one query per distinct (zone, day)."""
    groups: dict[tuple[str, date], set[int]] = defaultdict(set)
    for r, day in wanted:
        groups[(r.zone, day)].add(r.user_id)
    found: dict[tuple[int, int], list[PlanItem]] = defaultdict(list)
    for (zone, day), users in groups.items():
        for item in await uow.notifications.plan_orders(users, *day_bounds(day, zone)):
            if item.assignee_id is not None:
                found[(item.assignee_id, item.organization_id)].append(item)
    return found


async def plans(uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
    due: dict[str, tuple[Recipient, date]] = {}
    for r in await uow.notifications.recipients(PLAN_ROLES):
        day = due_today(now, r.zone, r.prefs.plan_at) if r.prefs.plan else None
        if day is not None and not held(r, now):
            due[plan_key(r.organization.id, r.user_id, day)] = (r, day)
    fresh = await unsent(uow, due, known)
    items = await _plan_items(uow, [due[k] for k in fresh])
    out = []
    for key in sorted(fresh):
        r, day = due[key]
        mine = items.get((r.user_id, r.organization.id), [])
        job = PLAN_JOB if mine else None  # an empty day is recorded, not announced
        payload = plan_payload(r, day, mine)
        out.append(Outgoing(key, Kind.PLAN, r.user_id, r.organization.id, job, payload))
    return out


async def _by_member(
    uow: UnitOfWork, user_ids: Collection[int]
) -> dict[tuple[int, int], Recipient]:
    found = await uow.notifications.recipients_by_user(user_ids) if user_ids else []
    return {(r.user_id, r.organization.id): r for r in found}


async def reminders(uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
    orders = await uow.notifications.upcoming(now, now + timedelta(minutes=max(REMINDER_MINUTES)))
    members = await _by_member(uow, {o.assignee_id for o in orders if o.assignee_id})
    due: dict[str, tuple[Recipient, PlanItem]] = {}
    for o in orders:
        r = members.get((o.assignee_id or 0, o.organization_id))
        if r is None or not r.prefs.reminder or held(r, now):
            continue
        if reminder_due(now, o.scheduled_at, r.prefs.reminder_minutes):
            due[reminder_key(o.order_id, r.user_id, o.scheduled_at)] = (r, o)
    return await _announce(uow, known, due, Kind.REMINDER, REMINDER_JOB)


async def _announce(
    uow: UnitOfWork,
    known: set[str],
    due: Mapping[str, tuple[Recipient, Item]],
    kind: str,
    job: str,
) -> list[Outgoing]:
    """One message per key not sent yet: the item, in the recipient's zone and language."""
    out = []
    for key in sorted(await unsent(uow, due, known)):
        r, item = due[key]
        payload = {**r.address(), "zone": r.zone, "item": item.as_data()}
        out.append(Outgoing(key, kind, r.user_id, item.organization_id, job, payload))
    return out


async def _lead_alerts(
    uow: UnitOfWork,
    known: set[str],
    items: Sequence[ItemT],
    key_for: Callable[[Recipient, ItemT], str | None],
    kind: str,
    job: str,
) -> list[Outgoing]:
    """An alert about each item to every owner and manager of its organization for whom
    `key_for` gives a key (None: not due for them)."""
    if not items:
        return []
    leads: dict[int, list[Recipient]] = defaultdict(list)
    for r in await uow.notifications.recipients(ALERT_ROLES, {i.organization_id for i in items}):
        leads[r.organization.id].append(r)
    due = {
        key: (r, item)
        for item in items
        for r in leads[item.organization_id]
        if (key := key_for(r, item)) is not None
    }
    return await _announce(uow, known, due, kind, job)


async def overdue_alerts(uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
    """Urgent: sent in quiet hours too."""
    earliest = now - timedelta(minutes=min(OVERDUE_MINUTES))
    orders = await uow.notifications.late(now - OVERDUE_HORIZON, earliest)

    def key_for(r: Recipient, o: PlanItem) -> str | None:
        if r.prefs.overdue and overdue(now, o.scheduled_at, r.prefs.overdue_minutes, o.status):
            return overdue_key(o.order_id, r.user_id, o.scheduled_at)
        return None

    return await _lead_alerts(uow, known, orders, key_for, Kind.OVERDUE, OVERDUE_JOB)


async def untaken_alerts(uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
    """An order offered to all that nobody took by `OFFER_WAIT` (or by its start): the leads
    hear once per offer; quiet hours hold it until they end."""
    offers = await uow.notifications.untaken(now - UNTAKEN_HORIZON)

    def key_for(r: Recipient, o: OfferItem) -> str | None:
        if held(r, now) or now < untaken_due(o.offered_at, o.scheduled_at, OFFER_WAIT):
            return None
        return untaken_key(o.order_id, r.user_id, o.offered_at)

    return await _lead_alerts(uow, known, offers, key_for, UNTAKEN, UNTAKEN_JOB)


def _affected(event: ChangeEvent) -> set[int]:
    """Whose plan an order change may alter: the assignee before and after (not the actor)."""
    ids = {event.assignee_id, event.data.get("assignee_id"), event.data.get("previous_id")}
    return {int(i) for i in ids if isinstance(i, int)} - {event.actor_id or 0}


def _touches_day(event: ChangeEvent, day: date, zone: str) -> bool:
    start, end = day_bounds(day, zone)
    moments = [event.scheduled_at]
    if event.kind == "reschedule" and isinstance(event.data.get("from"), str):
        moments.append(datetime.fromisoformat(str(event.data["from"])))
    return any(m is not None and start <= m < end for m in moments)


async def plan_updates(uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
    """A change to an order in a plan already sent today sends the day again, once per change."""
    events = await uow.notifications.changes(now - UPDATE_LOOKBACK, UPDATE_EVENTS)
    members = await _by_member(uow, {u for e in events for u in _affected(e)})
    pending: dict[tuple[int, int], list[ChangeEvent]] = defaultdict(list)
    for e in events:
        for user_id in _affected(e):
            r = members.get((user_id, e.organization_id))
            if r is None or not r.prefs.plan or held(r, now):
                continue
            if _touches_day(e, local_date(now, r.zone), r.zone):
                pending[(user_id, e.organization_id)].append(e)
    return await _updates(uow, now, known, members, pending)


async def _updates(
    uow: UnitOfWork,
    now: datetime,
    known: set[str],
    members: dict[tuple[int, int], Recipient],
    pending: dict[tuple[int, int], list[ChangeEvent]],
) -> list[Outgoing]:
    plan_keys = {m: plan_key(m[1], m[0], local_date(now, members[m].zone)) for m in pending}
    sent = await uow.notifications.sent(plan_keys.values())
    keys = {update_key(e.id, m[0]) for m, evs in pending.items() for e in evs}
    fresh = await unsent(uow, keys, known)
    todo: dict[tuple[int, int], list[str]] = {}
    for member, evs in pending.items():
        plan_at = sent.get(plan_keys[member])
        new = [e for e in evs if plan_at and e.created_at >= plan_at]
        ids = sorted(
            update_key(e.id, member[0]) for e in new if update_key(e.id, member[0]) in fresh
        )
        if ids:
            todo[member] = ids
    wanted = [(members[m], local_date(now, members[m].zone)) for m in todo]
    items = await _plan_items(uow, wanted)
    out = []
    for (member, ids), (r, day) in zip(todo.items(), wanted, strict=True):
        payload = plan_payload(r, day, items.get(member, []))
        out.append(
            Outgoing(
                ids[-1], Kind.PLAN, r.user_id, member[1], PLAN_UPDATE_JOB, payload, tuple(ids[:-1])
            )
        )
    return out
