"""The owner's digest as data: exceptions first, then the period's numbers against the previous
period. A pure function of facts gathered by a few aggregate queries, tested with plain values."""

from __future__ import annotations

import enum
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.numbers.rules import VisitCounts


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class OrderRef:
    id: int
    number: int
    due: int = 0  # minor units still to collect (unpaid orders)


@dataclass(frozen=True, slots=True)
class RequestRef:
    """An open data request of a client (core/clients/requests.py): its kind and due day."""

    client_id: int
    kind: str
    due_on: date


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A sent quote waiting for the client's answer: its total and last valid day."""

    id: int
    total_minor: int
    valid_until: date


@dataclass(frozen=True, slots=True)
class Facts:
    """What happened in one organization in one period (and what is open right now)."""

    created: int = 0
    done: int = 0
    cancelled: int = 0
    revenue: dict[str, int] = field(default_factory=dict)  # payment method -> minor units
    done_by_worker: dict[int, int] = field(default_factory=dict)  # user id -> orders done
    # user id -> (sum of stars, ratings) of the clients' ratings given in the period
    ratings: dict[int, tuple[int, int]] = field(default_factory=dict)
    unassigned: tuple[OrderRef, ...] = ()
    overdue: tuple[OrderRef, ...] = ()
    unpaid: tuple[OrderRef, ...] = ()
    cancelled_orders: tuple[OrderRef, ...] = ()
    totals: dict[str, int] = field(default_factory=dict)  # exception kind -> how many in all
    unpaid_total: int = 0  # minor units still to collect on all done, unpaid orders
    open_quotes: tuple[QuoteRef, ...] = ()  # sent, unanswered and still valid (issue 20.5)
    visits: VisitCounts = field(default_factory=VisitCounts)  # core/numbers/rules.py
    requests: tuple[RequestRef, ...] = ()  # clients' open data requests, soonest due first

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
    totals: dict[str, int] = field(default_factory=dict)  # exception kind -> how many in all
    unpaid_total: int = 0  # minor units still to collect on all done, unpaid orders
    ratings_by_worker: dict[int, tuple[int, int]] = field(default_factory=dict)
    open_quotes: tuple[QuoteRef, ...] = ()  # the soonest to expire first, at most LIST_LIMIT
    open_quotes_total: int = 0  # how many open quotes in all
    visits: VisitCounts = field(default_factory=VisitCounts)
    requests: tuple[RequestRef, ...] = ()  # open data requests, soonest due first (at most 10)
    requests_total: int = 0

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing needs attention."""
        busy = self.created.now or self.done.now or self.revenue.now
        busy = busy or bool(self.open_quotes) or bool(self.requests)
        return not self.exceptions and not busy


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
        totals={
            k: max(now.totals.get(k, 0), len(v)) for k in EXCEPTION_ORDER if (v := exceptions[k])
        },
        unpaid_total=max(now.unpaid_total, sum(r.due for r in now.unpaid)),
        ratings_by_worker=dict(sorted(now.ratings.items())),
        open_quotes=now.open_quotes[:LIST_LIMIT],
        open_quotes_total=len(now.open_quotes),
        visits=now.visits,
        requests=now.requests[:LIST_LIMIT],
        requests_total=len(now.requests),
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


def daily_window(day: date, at: time, zone: str) -> tuple[datetime, datetime]:
    """What a daily digest sent at `at` on `day` covers: the wall-clock day before it (23 or
    25 hours across DST), so nothing falls between two digests and nothing counts twice."""
    tz = ZoneInfo(zone)
    end = datetime.combine(day, at, tzinfo=tz)
    start = datetime.combine(day - timedelta(days=1), at, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


Window = tuple[datetime, datetime]


def scheduled_windows(period: Period, day: date, at: time, zone: str) -> tuple[Window, Window]:
    """(this period, the period before) for a scheduled digest on local `day`."""
    if period is Period.DAY:
        return daily_window(day, at, zone), daily_window(day - timedelta(days=1), at, zone)
    return period_window(period, day, zone), previous_window(period, day, zone)


def so_far_windows(now: datetime, zone: str) -> tuple[Window, Window]:
    """(today until now, yesterday until the same time) for a digest asked for on demand."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date(), time(), tzinfo=tz)
    before = datetime.combine(local.date() - timedelta(days=1), time(), tzinfo=tz)
    same_time = datetime.combine(local.date() - timedelta(days=1), local.time(), tzinfo=tz)
    return (midnight.astimezone(UTC), now), (before.astimezone(UTC), same_time.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """A digest with what its reader needs to read it: the organization and workers' names.
    Travels as JSON in the delivery job, so it is rendered in the reader's language then."""

    digest: Digest
    organization: str
    currency: str
    workers: dict[int, str] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        d = self.digest
        return {
            "period": d.period.value,
            "first_day": d.first_day.isoformat(),
            "last_day": d.last_day.isoformat(),
            "exceptions": {
                k: [[r.id, r.number, r.due] for r in v] for k, v in d.exceptions.items()
            },
            "totals": d.totals,
            "unpaid_total": d.unpaid_total,
            "numbers": {k: [c.now, c.before] for k, c in _changes(d).items()},
            "revenue_by_method": d.revenue_by_method,
            "done_by_worker": {str(k): v for k, v in d.done_by_worker.items()},
            "ratings": {str(k): list(v) for k, v in d.ratings_by_worker.items()},
            "quotes": [[q.id, q.total_minor, q.valid_until.isoformat()] for q in d.open_quotes],
            "quotes_total": d.open_quotes_total,
            "visits": list(astuple(d.visits)),
            "requests": [[r.client_id, r.kind, r.due_on.isoformat()] for r in d.requests],
            "requests_total": d.requests_total,
            "organization": self.organization,
            "currency": self.currency,
            "workers": {str(k): v for k, v in self.workers.items()},
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DigestMessage:
        numbers = {k: Change(int(v[0]), int(v[1])) for k, v in data["numbers"].items()}
        digest = Digest(
            period=Period(data["period"]),
            first_day=date.fromisoformat(data["first_day"]),
            last_day=date.fromisoformat(data["last_day"]),
            exceptions={
                k: tuple(OrderRef(*(int(x) for x in ref)) for ref in v)
                for k, v in data["exceptions"].items()
            },
            revenue_by_method={k: int(v) for k, v in data["revenue_by_method"].items()},
            done_by_worker={int(k): int(v) for k, v in data["done_by_worker"].items()},
            totals={k: int(v) for k, v in data["totals"].items()},
            unpaid_total=int(data.get("unpaid_total", 0)),  # absent in jobs queued before it
            ratings_by_worker={
                int(k): (int(v[0]), int(v[1])) for k, v in data.get("ratings", {}).items()
            },
            open_quotes=tuple(  # absent in jobs queued before quotes
                QuoteRef(int(q[0]), int(q[1]), date.fromisoformat(q[2]))
                for q in data.get("quotes", ())
            ),
            open_quotes_total=int(data.get("quotes_total", 0)),
            visits=VisitCounts(*(int(v) for v in data.get("visits", ()))),  # absent: older jobs
            requests=tuple(  # absent in jobs queued before data requests
                RequestRef(int(r[0]), str(r[1]), date.fromisoformat(r[2]))
                for r in data.get("requests", ())
            ),
            requests_total=int(data.get("requests_total", 0)),
            **numbers,
        )
        workers = {int(k): str(v) for k, v in data["workers"].items()}
        return cls(digest, str(data["organization"]), str(data["currency"]), workers)


def _changes(d: Digest) -> dict[str, Change]:
    return {"created": d.created, "done": d.done, "cancelled": d.cancelled, "revenue": d.revenue}
