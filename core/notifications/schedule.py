"""When scheduled notifications are due: pure rules of `now` (UTC), an IANA zone and a
preference, tested with plain values.

Schedules are local wall-clock times. A time skipped by a spring-forward change moves forward
(02:30 on 29 March 2026 in Berlin fires at 03:30 CEST); a time that happens twice in autumn
fires once, at its first occurrence, because what was sent is keyed by the local date of the
occurrence. A missed occurrence (downtime, quiet hours) is still due for `horizon` after its
time, so a digest is sent late; a reminder is only due before its order starts, so a missed
one is never sent for a job that has begun.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.domain import OrderStatus

WEEKLY_WEEKDAY = 0  # Monday
WEEKLY_AT = time(9, 0)
CATCH_UP = timedelta(hours=18)  # longer than any quiet window offered
NOT_STARTED = frozenset({OrderStatus.NEW, OrderStatus.ASSIGNED})


def parse_hhmm(text: str) -> time:
    """'08:00' -> time(8, 0); raises ValueError on anything else."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"expected HH:MM, got {text!r}")
    return time(int(hours), int(minutes))


def hhmm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def occurrence(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of wall time `at` on local `day`.

    fold=0 picks the first of an autumn time that happens twice; for a time in the spring gap
    it applies the offset from before the change, which lands after the gap (moved forward).
    """
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def local_date(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def due_daily(now: datetime, zone: str, at: time, horizon: timedelta = CATCH_UP) -> date | None:
    """The local date of the latest daily occurrence at `at` that has come (at or before
    `now`) and is not older than `horizon`; None when there is none."""
    today = local_date(now, zone)
    for day in (today, today - timedelta(days=1)):
        moment = occurrence(day, at, zone)
        if moment <= now:
            return day if now - moment < horizon else None
    return None


def due_weekly(
    now: datetime,
    zone: str,
    at: time = WEEKLY_AT,
    weekday: int = WEEKLY_WEEKDAY,
    horizon: timedelta = CATCH_UP,
) -> date | None:
    """Like `due_daily`, for one day of the week (Monday = 0)."""
    day = due_daily(now, zone, at, horizon)
    return day if day is not None and day.weekday() == weekday else None


def due_today(now: datetime, zone: str, at: time) -> date | None:
    """Today's occurrence once it has come, until the local day ends (the morning plan: late
    is still useful, tomorrow it is not)."""
    today = local_date(now, zone)
    return today if occurrence(today, at, zone) <= now else None


def reminder_due(now: datetime, scheduled_at: datetime, minutes: int) -> bool:
    """Due from `minutes` before the order until it starts; never after."""
    return scheduled_at - timedelta(minutes=minutes) <= now < scheduled_at


def overdue(now: datetime, scheduled_at: datetime, minutes: int, status: OrderStatus) -> bool:
    """Not started `minutes` after its time."""
    return status in NOT_STARTED and now >= scheduled_at + timedelta(minutes=minutes)


def untaken_due(offered_at: datetime, scheduled_at: datetime | None, wait: timedelta) -> datetime:
    """When an offer to all that nobody took needs a lead: `wait` after it was offered, or at
    the order's start if that comes sooner (an order offered after its start: `wait` after)."""
    due = offered_at + wait
    if scheduled_at is not None and offered_at < scheduled_at < due:
        return scheduled_at
    return due


def in_quiet_hours(now: datetime, zone: str, start: time | None, end: time | None) -> bool:
    """Whether the local time is within [start, end); the window may cross midnight."""
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours across DST)."""
    return occurrence(day, time(), zone), occurrence(day + timedelta(days=1), time(), zone)
