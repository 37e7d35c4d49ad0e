"""Recurrence rules: RFC 5545 RRULE semantics (python-dateutil's `rrule`) over local wall-clock
time, never a UTC offset.

A rule is expanded over naive local date-times (the organization's wall clock); each
occurrence becomes a UTC moment only when an order is made for it, with the organization's
IANA zone of that moment (`core.when.to_utc`). So a visit at 09:00 stays at 09:00 across
daylight-saving changes, and a time the clocks skip (02:30 on a spring-forward night) moves
forward by the gap; a time that happens twice (autumn) is its first, summer-time, instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, weekday

from core.errors import DomainError
from core.when import to_utc

Freq = Literal["daily", "weekly", "monthly"]
FREQS: dict[str, int] = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY}
MAX_INTERVAL = 99
MAX_COUNT = 500
MAX_YEARS = 5  # an end date at most this far ahead
KEY_FORMAT = "%Y-%m-%dT%H:%M"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Rule:
    """Every `interval` days, weeks or months from `start` at `at` (local time), on
    `weekdays` (ISO, Monday = 1; weekly rules only, empty: the start's weekday), until a day
    (inclusive) or for `count` visits, or without end."""

    freq: Freq
    interval: int
    start: date
    at: time
    weekdays: tuple[int, ...] = ()
    until: date | None = None
    count: int | None = None

    def expansion(self) -> rrule:
        byweekday = None
        if self.freq == "weekly":
            days = self.weekdays or (self.start.isoweekday(),)
            byweekday = [weekday(d - 1) for d in days]
        until = datetime.combine(self.until, time.max) if self.until is not None else None
        return rrule(
            FREQS[self.freq],
            dtstart=datetime.combine(self.start, self.at),
            interval=self.interval,
            byweekday=byweekday,
            until=until,
            count=self.count,
        )

    def as_rrule(self) -> str:
        """The rule as RFC 5545 writes it (for the docs and the series' history)."""
        parts = [f"FREQ={self.freq.upper()}", f"INTERVAL={self.interval}"]
        if self.freq == "weekly":
            days = self.weekdays or (self.start.isoweekday(),)
            parts.append("BYDAY=" + ",".join(BYDAY[d - 1] for d in days))
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)


def checked_rule(
    freq: str,
    interval: int,
    start: date,
    at: time,
    weekdays: tuple[int, ...] = (),
    until: date | None = None,
    count: int | None = None,
) -> Rule:
    """A rule as a manager gives it, or a DomainError naming what is wrong."""
    if freq not in FREQS:
        raise DomainError("choose_option")
    if not 1 <= interval <= MAX_INTERVAL:
        raise DomainError("series_interval_range", limit=MAX_INTERVAL)
    if freq != "weekly" and weekdays:
        raise DomainError("series_days_invalid")
    if any(not 1 <= d <= 7 for d in weekdays) or len(set(weekdays)) != len(weekdays):
        raise DomainError("series_days_invalid")
    if until is not None and count is not None:
        raise DomainError("series_end_invalid")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise DomainError("series_count_range", limit=MAX_COUNT)
    if until is not None and not start <= until <= start + timedelta(days=366 * MAX_YEARS):
        raise DomainError("series_end_invalid")
    kind: Freq = "daily" if freq == "daily" else "weekly" if freq == "weekly" else "monthly"
    return Rule(kind, interval, start, at, tuple(sorted(weekdays)), until, count)


def occurrences(rule: Rule, since: datetime, before: datetime) -> list[datetime]:
    """The rule's local date-times in [since, before) (naive, the organization's clock)."""
    found = rule.expansion().between(since, before, inc=True)
    return [moment for moment in found if moment < before]


def count_before(rule: Rule, moment: datetime) -> int:
    """How many of the rule's occurrences come before `moment` (local)."""
    return len(rule.expansion().between(datetime.min, moment, inc=False))


def key_of(local: datetime) -> str:
    """An occurrence's identity within its series: its local date-time to the minute."""
    return local.strftime(KEY_FORMAT)


def from_key(key: str) -> datetime:
    return datetime.strptime(key, KEY_FORMAT)


def at_utc(local: datetime, zone: str) -> datetime:
    """The UTC moment of a local occurrence in the zone it is in now."""
    return to_utc(local.date(), local.time(), zone)


def local_of(moment: datetime, zone: str) -> datetime:
    """A UTC moment on the zone's wall clock, naive."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def retimed(moment: datetime, old_zone: str, new_zone: str) -> datetime:
    """The same wall-clock time in another zone (the organization moved): UTC."""
    return at_utc(local_of(moment.astimezone(UTC), old_zone), new_zone)
