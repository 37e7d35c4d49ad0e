"""Pure rules of the numbers the owner's digest and the board's Numbers page show, so both say
the same: whether a visit was on time, returning clients, averages and shares, and revenue by
the organization's local day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A visit counts as on time when the worker started it no later than this after its time.
ON_TIME_GRACE = timedelta(minutes=15)
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True, slots=True)
class Visit:
    """An order done in the period: its client, planned time, when work started and whether
    the client had an order done before the period began."""

    client_id: int | None
    scheduled_at: datetime | None
    started_at: datetime | None
    done_at: datetime
    returning: bool = False


@dataclass(frozen=True, slots=True)
class VisitCounts:
    on_time: int = 0  # visits with a planned time started within the grace
    timed: int = 0  # visits with a planned time
    clients: int = 0  # distinct clients served
    repeat_clients: int = 0  # of them, those served before the period too


def on_time(visit: Visit) -> bool | None:
    """None when the order had no planned time (not counted either way); a visit never
    started (Done straight away) counts from when it was done."""
    if visit.scheduled_at is None:
        return None
    began = visit.started_at or visit.done_at
    return began <= visit.scheduled_at + ON_TIME_GRACE


def count_visits(visits: Iterable[Visit]) -> VisitCounts:
    timed = punctual = 0
    clients: dict[int, bool] = {}
    for visit in visits:
        verdict = on_time(visit)
        if verdict is not None:
            timed += 1
            punctual += verdict
        if visit.client_id is not None:
            clients[visit.client_id] = clients.get(visit.client_id, False) or visit.returning
    return VisitCounts(punctual, timed, len(clients), sum(clients.values()))


def share(part: int, whole: int) -> int | None:
    """Whole percent, rounded half up; None when there is nothing to share."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def average_rating(ratings: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(stars in all, ratings in all) over every worker's (stars, ratings)."""
    return sum(s for s, _ in ratings.values()), sum(n for _, n in ratings.values())


def tenths(total: int, count: int) -> int | None:
    """An average in tenths, rounded half up (4.25 -> 43), None without ratings."""
    if count <= 0:
        return None
    return (20 * total + count) // (2 * count)


def local_window(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days first..last (23 or 25 hours across DST)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def by_local_day(
    amounts: Iterable[tuple[datetime, int]], zone: str, first: date, last: date
) -> dict[date, int]:
    """Every local day of the period (zero when nothing came in) and the sum of its amounts."""
    tz = ZoneInfo(zone)
    days = {first + timedelta(days=i): 0 for i in range((last - first).days + 1)}
    for moment, amount in amounts:
        day = moment.astimezone(tz).date()
        if day in days:
            days[day] += amount
    return days
