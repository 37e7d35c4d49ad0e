"""Order lists: the named filters people pick, turned into plain query criteria."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain import OPEN_STATUSES, Actor, OrderStatus
from core.permissions import Action, allowed

PAGE_SIZE = 8


class ListKind(enum.StrEnum):
    OPEN = "open"
    TODAY = "today"
    UNASSIGNED = "unassigned"
    MINE = "mine"
    DONE = "done"
    CANCELLED = "cancelled"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class OrderFilter:
    statuses: frozenset[OrderStatus] = frozenset()
    assignee_id: int | None = None
    unassigned: bool = False
    start: datetime | None = None
    end: datetime | None = None
    offered_or_assignee: int | None = None


def local_day_bounds(now: datetime, zone: str, days_ahead: int = 0) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC (23 or 25 hours long across DST)."""
    tz = ZoneInfo(zone)
    day = now.astimezone(tz).date() + timedelta(days=days_ahead)
    following = day + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    end = datetime(following.year, following.month, following.day, tzinfo=tz).astimezone(UTC)
    return start, end


def build_filter(actor: Actor, kind: ListKind, now: datetime) -> OrderFilter:
    """What a list means for this person: workers only ever see their own orders."""
    assert actor.organization is not None
    everything = allowed(actor.role, Action.ORDER_VIEW_ALL)
    mine = actor.user.id if (kind is ListKind.MINE or not everything) else None
    statuses: frozenset[OrderStatus] = {
        ListKind.OPEN: OPEN_STATUSES,
        ListKind.TODAY: frozenset(),
        ListKind.UNASSIGNED: frozenset({OrderStatus.NEW}),
        ListKind.MINE: OPEN_STATUSES,
        ListKind.DONE: frozenset({OrderStatus.DONE}),
        ListKind.CANCELLED: frozenset({OrderStatus.CANCELLED}),
        ListKind.ALL: frozenset(),
    }[kind]
    start = end = None
    if kind is ListKind.TODAY:
        start, end = local_day_bounds(now, actor.organization.timezone)
        statuses = frozenset(s for s in OrderStatus if s is not OrderStatus.CANCELLED)
    return OrderFilter(
        statuses=statuses,
        assignee_id=mine,
        unassigned=kind is ListKind.UNASSIGNED,
        start=start,
        end=end,
    )
