"""Pure rules of availability: reading hours and days as people type them, whether a worker
works at a moment, and whether two orders clash (docs/availability.md).

Orders have no duration: each takes the organization's `visit_minutes` setting (default an
hour, the same visit the client's free times assume, `core.client_loop.slots.VISIT`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.client_loop.slots import VISIT, WorkingHours, checked_hours
from core.errors import DomainError

VISIT_SETTING = "visit_minutes"  # the organization's setting: how long an order takes
MAX_AWAY_DAYS = 366  # one absence spans at most this many days
HOURS_EXAMPLE = "09:00-18:00 1-5"
DAYS_EXAMPLE = "10.03-20.03"


class AwayKind(StrEnum):
    VACATION = "vacation"  # typed as a range of days (one day: a day off)
    SICK = "sick"  # "I can't work today" on the morning plan


@dataclass(frozen=True, slots=True)
class Absence:
    id: int
    organization_id: int
    user_id: int
    kind: AwayKind
    first_day: date  # the organization's local days, both included
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def visit_length(preferences: Mapping[str, object]) -> timedelta:
    raw = preferences.get(VISIT_SETTING)
    if isinstance(raw, int) and not isinstance(raw, bool) and 15 <= raw <= 24 * 60:
        return timedelta(minutes=raw)
    return VISIT


_HOURS = re.compile(r"^\s*(\d{1,2}(?:[:.]\d{2})?)\s*[-–—]\s*(\d{1,2}(?:[:.]\d{2})?)\s*(.*)$")


def _clock(text: str) -> str:
    text = text.replace(".", ":")
    return text if ":" in text else f"{text}:00"


def parse_hours(text: str) -> WorkingHours:
    """ "09:00-18:00 1-5", "9-18 12345", "8:30-17 1-5,7": hours, then ISO weekdays (Monday 1)
    as digits or ranges; no days: Monday to Friday."""
    match = _HOURS.match(text)
    if match is None:
        raise DomainError("away_hours_invalid", example=HOURS_EXAMPLE)
    start, end, rest = match.groups()
    days = _weekdays(rest) if rest.strip() else "12345"
    try:
        return checked_hours(_clock(start), _clock(end), days)
    except DomainError:
        raise DomainError("away_hours_invalid", example=HOURS_EXAMPLE) from None


def _weekdays(text: str) -> str:
    found: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip()):
        bounds = re.fullmatch(r"([1-7])\s*[-–]\s*([1-7])", part)
        if bounds is not None:
            low, high = int(bounds.group(1)), int(bounds.group(2))
            if low > high:
                raise DomainError("away_hours_invalid", example=HOURS_EXAMPLE)
            found.update(range(low, high + 1))
        elif part and set(part) <= set("1234567"):
            found.update(int(c) for c in part)
        elif part:
            raise DomainError("away_hours_invalid", example=HOURS_EXAMPLE)
    return "".join(str(d) for d in sorted(found))


_DAY = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?"
_RANGE = re.compile(rf"^\s*{_DAY}\s*(?:[-–—]\s*{_DAY})?\s*$")


def parse_days(text: str, today: date) -> tuple[date, date]:
    """ "10.03" or "10.03-20.03" (or with years, "28.12.2026-05.01.2027"): the first and last
    day off. A date without a year is its next occurrence from today; a range ending before
    it starts runs into the next year."""
    match = _RANGE.match(text)
    if match is None:
        raise DomainError("away_days_invalid", example=DAYS_EXAMPLE)
    d1, m1, y1, d2, m2, y2 = match.groups()
    first = _day(d1, m1, y1, today)
    last = first if d2 is None else _day(d2, m2, y2, first)
    if last < first or (last - first).days >= MAX_AWAY_DAYS:
        raise DomainError("away_days_invalid", example=DAYS_EXAMPLE)
    return first, last


def _day(d: str, m: str, y: str | None, not_before: date) -> date:
    try:
        if y is not None:
            return date(int(y), int(m), int(d))
        found = date(not_before.year, int(m), int(d))
        return found if found >= not_before else date(not_before.year + 1, int(m), int(d))
    except ValueError:
        raise DomainError("away_days_invalid", example=DAYS_EXAMPLE) from None


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def day_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in UTC, in the zone's wall time."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def away_on(absences: Iterable[Absence], day: date) -> Absence | None:
    return next((a for a in absences if a.covers(day)), None)


def within_hours(hours: WorkingHours, moment: datetime, length: timedelta, zone: str) -> bool:
    """Whether a visit from `moment` lasting `length` is inside the working hours of its day."""
    local = moment.astimezone(ZoneInfo(zone))
    if local.isoweekday() not in hours.days:
        return False
    begin = local.hour * 60 + local.minute
    opening = hours.start.hour * 60 + hours.start.minute
    closing = hours.end.hour * 60 + hours.end.minute
    return opening <= begin and begin + length.total_seconds() / 60 <= closing


def clashes(moment: datetime, length: timedelta, others: Sequence[datetime]) -> list[datetime]:
    """The other orders' times that overlap a visit at `moment` (every visit lasts `length`)."""
    return sorted(o for o in others if abs(o - moment) < length)


def unavailable(
    moment: datetime, zone: str, length: timedelta, hours: WorkingHours, away: list[Absence]
) -> bool:
    """Whether a person cannot take a visit at `moment`: away that day or outside their hours
    (for the client's free times, `core.client_loop.visits`)."""
    day = local_day(moment, zone)
    return away_on(away, day) is not None or not within_hours(hours, moment, length, zone)
