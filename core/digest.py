"""The owner's digest as data: exceptions first, then the period's numbers against the previous
period. A pure function of facts gathered by a few aggregate queries, tested with plain values."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class OrderRef:
    id: int
    number: int


@dataclass(frozen=True, slots=True)
class Facts:
    """What happened in one organization in one period (and what is open right now)."""

    created: int = 0
    done: int = 0
    cancelled: int = 0
    revenue: dict[str, int] = field(default_factory=dict)  # payment method -> minor units
    done_by_worker: dict[int, int] = field(default_factory=dict)  # user id -> orders done
    unassigned: tuple[OrderRef, ...] = ()
    overdue: tuple[OrderRef, ...] = ()
    unpaid: tuple[OrderRef, ...] = ()
    cancelled_orders: tuple[OrderRef, ...] = ()

    @property
    def revenue_total(self) -> int:
        return sum(self.revenue.values())


@dataclass(frozen=True, slots=True)
class Change:
    now: int
    before: int

    @property
    def delta(self) -> int:
        return self.now - self.before


@dataclass(frozen=True, slots=True)
class Digest:
    period: Period
    first_day: date
    last_day: date
    exceptions: dict[str, tuple[OrderRef, ...]]  # kind -> orders, only non-empty kinds
    created: Change
    done: Change
    cancelled: Change
    revenue: Change
    revenue_by_method: dict[str, int]
    done_by_worker: dict[int, int]

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing needs attention."""
        return not self.exceptions and not (self.created.now or self.done.now or self.revenue.now)


EXCEPTION_ORDER = ("overdue", "unassigned", "unpaid", "cancelled")
LIST_LIMIT = 10


def build_digest(period: Period, first: date, last: date, now: Facts, before: Facts) -> Digest:
    exceptions = {
        "overdue": now.overdue,
        "unassigned": now.unassigned,
        "unpaid": now.unpaid,
        "cancelled": now.cancelled_orders,
    }
    return Digest(
        period=period,
        first_day=first,
        last_day=last,
        exceptions={k: v[:LIST_LIMIT] for k in EXCEPTION_ORDER if (v := exceptions[k])},
        created=Change(now.created, before.created),
        done=Change(now.done, before.done),
        cancelled=Change(now.cancelled, before.cancelled),
        revenue=Change(now.revenue_total, before.revenue_total),
        revenue_by_method=dict(sorted(now.revenue.items())),
        done_by_worker=dict(sorted(now.done_by_worker.items(), key=lambda kv: -kv[1])),
    )


def period_window(period: Period, local_day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the day, or of the Monday-to-Sunday week before `local_day`."""
    tz = ZoneInfo(zone)
    if period is Period.DAY:
        first, days = local_day, 1
    else:
        first, days = local_day - timedelta(days=local_day.weekday() + 7), 7
    start = datetime.combine(first, time(), tzinfo=tz)
    end = datetime.combine(first + timedelta(days=days), time(), tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def previous_window(period: Period, local_day: date, zone: str) -> tuple[datetime, datetime]:
    step = timedelta(days=1 if period is Period.DAY else 7)
    return period_window(period, local_day - step, zone)
