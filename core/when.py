"""Reading dates and times people type, in the organization's time zone, and storing UTC.

Accepted: `25.12 14:30`, `25.12.2026 9:00`, `25/12 14:30`, `2026-12-25 14:30`, `14:30` (today),
`завтра 10:00`, `tomorrow 10:00`, `сегодня`, `today`, `послезавтра`, a day of the week
(`friday 10:00`, `fri 10am`, `в пятницу в 10:00`, `пт 10:00`: the next such day, a week ahead
when it is today's); `at` / `в` before the time may be typed. A date without a time asks for
the time next. A day and month already past this year is never moved to next year
silently: `next_year` offers it, and the flow asks.
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
# Days of the week, Monday first: English names and abbreviations, Russian names (as said
# after "в": пятницу) and abbreviations.
WEEKDAYS = {
    word: index
    for index, words in enumerate(
        (
            ("monday", "mon", "понедельник", "пн"),
            ("tuesday", "tue", "tues", "вторник", "вт"),
            ("wednesday", "wed", "среда", "среду", "ср"),
            ("thursday", "thu", "thur", "thurs", "четверг", "чт"),
            ("friday", "fri", "пятница", "пятницу", "пт"),
            ("saturday", "sat", "суббота", "субботу", "сб"),
            ("sunday", "sun", "воскресенье", "вс"),
        )
    )
    for word in words
}
_BEFORE_DAY = ("on ", "next ", "во ", "в ")  # "on friday", "в пятницу", "во вторник"
_BEFORE_TIME = ("at ", "в ")  # "friday at 10", "в пятницу в 10:00"
_TIME = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::00)?)?\s*(?P<ampm>am|pm)?$")
_DOTTED = re.compile(r"^(?P<d>\d{1,2})[./](?P<mo>\d{1,2})(?:[./](?P<y>\d{2,4}))?(?:\s+|$)")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[ t]+|$)")
EXAMPLE = "25.12 14:30"
TIME_EXAMPLE = "14:30"
# A time this close behind the clock is still accepted: "I am there right now".
PAST_SLACK = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class WhenAnswer:
    day: date
    at: time | None
    year_typed: bool = True  # False for a day and month without a year ("01.12")


def parse_when(text: str | None, today: date) -> WhenAnswer:
    raw = " ".join((text or "").strip().casefold().split())
    if not raw:
        raise DomainError("date_invalid", example=EXAMPLE)
    day, rest, year_typed = _day(raw, today)
    for word in _BEFORE_TIME:
        rest = rest.removeprefix(word)
    return WhenAnswer(day, parse_time(rest) if rest else None, year_typed)


def _weekday(raw: str, today: date) -> tuple[date, str] | None:
    """A day of the week first: the next such day (a week ahead for today's), and the rest."""
    for word in _BEFORE_DAY:
        if raw.startswith(word):
            raw = raw[len(word) :]
            break
    head, _, rest = raw.partition(" ")
    index = WEEKDAYS.get(head.rstrip(".,"))
    if index is None:
        return None
    ahead = (index - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead), rest.strip()


def _day(raw: str, today: date) -> tuple[date, str, bool]:
    for word, offset in sorted(RELATIVE_DAYS.items(), key=lambda kv: -len(kv[0])):
        if raw == word or raw.startswith(word + " "):
            return today + timedelta(days=offset), raw[len(word) :].strip(), True
    for pattern in (_DOTTED, _ISO):
        match = pattern.match(raw)
        if match:
            day = _calendar(match, today)
            return day, raw[match.end() :].strip(), bool(match.group("y"))
    weekday = _weekday(raw, today)
    if weekday is not None:
        return weekday[0], weekday[1], True
    if _TIME.match(raw):
        return today, raw, True
    raise DomainError("date_invalid", example=EXAMPLE)


def _calendar(match: re.Match[str], today: date) -> date:
    year_text = match.group("y")
    year = int(year_text) if year_text else today.year
    if year < 100:
        year += 2000
    try:
        return date(year, int(match.group("mo")), int(match.group("d")))
    except ValueError:
        raise DomainError("date_invalid", example=EXAMPLE) from None


def next_year(answer: WhenAnswer, today: date) -> date | None:
    """The same day next year, to offer for a day and month already past this year (None when
    the year was typed, the day is not past, or next year has no such day: 29 February)."""
    if answer.year_typed or answer.day >= today:
        return None
    try:
        return answer.day.replace(year=answer.day.year + 1)
    except ValueError:
        return None


def parse_time(text: str | None) -> time:
    match = _TIME.match((text or "").strip().casefold())
    if not match:
        raise DomainError("time_invalid", example=TIME_EXAMPLE)
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    if match.group("ampm") == "pm" and hour < 12:
        hour += 12
    elif match.group("ampm") == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise DomainError("time_invalid", example=TIME_EXAMPLE)
    return time(hour, minute)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def to_utc(day: date, at: time, zone: str) -> datetime:
    """A wall-clock time in the zone as UTC (a time skipped by DST moves forward)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).astimezone(ZoneInfo(zone)).astimezone(UTC)


def check_not_past(day: date, at: time | None, now_local: datetime) -> None:
    """Orders are for the future: a day before today, or a time already gone today (beyond a
    few minutes of slack), is refused. `now_local` is the organization's wall clock."""
    if day < now_local.date():
        raise DomainError("date_past", example=EXAMPLE)
    if at is not None and datetime.combine(day, at) < now_local - PAST_SLACK:
        raise DomainError("time_past", example=TIME_EXAMPLE)
