"""Reading dates and times people type, in the organization's time zone, and storing UTC.

Accepted: `25.12 14:30`, `25.12.2026 9:00`, `25/12 14:30`, `2026-12-25 14:30`, `14:30` (today),
`завтра 10:00`, `tomorrow 10:00`, `сегодня`, `today`, `послезавтра`; a date without a time
asks for the time next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import DomainError

RELATIVE_DAYS = {
    "today": 0, "сегодня": 0, "tomorrow": 1, "завтра": 1,
    "day after tomorrow": 2, "послезавтра": 2,
}  # fmt: skip
_TIME = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::00)?)?\s*(?P<ampm>am|pm)?$")
_DOTTED = re.compile(r"^(?P<d>\d{1,2})[./](?P<mo>\d{1,2})(?:[./](?P<y>\d{2,4}))?(?:\s+|$)")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[ t]+|$)")
EXAMPLE = "25.12 14:30"


@dataclass(frozen=True, slots=True)
class WhenAnswer:
    day: date
    at: time | None


def parse_when(text: str | None, today: date) -> WhenAnswer:
    raw = " ".join((text or "").strip().casefold().split())
    if not raw:
        raise DomainError("date_invalid", example=EXAMPLE)
    day, rest = _day(raw, today)
    if not rest:
        return WhenAnswer(day, None)
    return WhenAnswer(day, parse_time(rest))


def _day(raw: str, today: date) -> tuple[date, str]:
    for word, offset in sorted(RELATIVE_DAYS.items(), key=lambda kv: -len(kv[0])):
        if raw == word or raw.startswith(word + " "):
            return today + timedelta(days=offset), raw[len(word) :].strip()
    for pattern in (_DOTTED, _ISO):
        match = pattern.match(raw)
        if match:
            return _calendar(match, today), raw[match.end() :].strip()
    if _TIME.match(raw):
        return today, raw
    raise DomainError("date_invalid", example=EXAMPLE)


def _calendar(match: re.Match[str], today: date) -> date:
    year_text = match.group("y")
    year = int(year_text) if year_text else today.year
    if year < 100:
        year += 2000
    try:
        day = date(year, int(match.group("mo")), int(match.group("d")))
    except ValueError:
        raise DomainError("date_invalid", example=EXAMPLE) from None
    if not year_text and day < today:
        day = day.replace(year=today.year + 1)
    return day


def parse_time(text: str | None) -> time:
    match = _TIME.match((text or "").strip().casefold())
    if not match:
        raise DomainError("time_invalid", example="14:30")
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    if match.group("ampm") == "pm" and hour < 12:
        hour += 12
    elif match.group("ampm") == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise DomainError("time_invalid", example="14:30")
    return time(hour, minute)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def to_utc(day: date, at: time, zone: str) -> datetime:
    """A wall-clock time in the zone as UTC (a time skipped by DST moves forward)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).astimezone(ZoneInfo(zone)).astimezone(UTC)


def check_not_past(moment: datetime, now: datetime) -> None:
    if moment < now - timedelta(hours=1):
        raise DomainError("date_past", example=EXAMPLE)
