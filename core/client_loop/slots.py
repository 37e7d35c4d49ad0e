"""Free times a client may move their visit to (issue 19, item 5): pure rules of `now` (UTC),
the organization's zone and working hours, and when the people who could do the order are
busy.

- A visit takes `VISIT` (an hour: orders have no duration yet), so a person's order at `b`
  keeps them busy for any start `s` with |s - b| < VISIT.
- Candidates start on the hour grid from the working day's start (`STEP`) and end by its
  end, on working days (ISO weekdays 1-7), from `LEAD` after now to `HORIZON` ahead, in the
  organization's wall-clock time: a wall time skipped by a spring-forward change is not
  offered, one that happens twice in autumn is offered once (its first occurrence).
- A start is free when at least one of the people who could take the order has nothing then:
  the assignee alone, or (unassigned) every active worker of the organization (workers have no
  categories of their own yet, so "the category's workers" are all of them).
- The order's own time is not offered (moving to it changes nothing).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import DomainError
from core.notifications.schedule import hhmm, parse_hhmm

VISIT = timedelta(hours=1)
VISIT_MINUTES = 60
STEP = timedelta(hours=1)
HORIZON = timedelta(days=7)
LEAD = timedelta(hours=2)  # no earlier than this from now: someone has to get there
MAX_SLOTS = 12  # what one message or page lists
SETTING = "working_hours"  # the organization's setting (org_setting), JSON
DEFAULT_START, DEFAULT_END, DEFAULT_DAYS = "09:00", "18:00", "123456"
WEEKDAYS = "1234567"


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Open days (ISO weekdays) from `start` to `end`, except the days in `other`, open with
    hours of their own ((weekday, start, end), by weekday). Stored as the setting
    `{"start", "end", "days"}` plus `"other": {"6": ["10:00", "15:00"]}` when some day
    differs, so hours the same every day read and write as before."""

    start: time
    end: time
    days: frozenset[int]  # ISO weekdays, Monday = 1
    other: tuple[tuple[int, time, time], ...] = ()

    @classmethod
    def of(cls, stored: object) -> WorkingHours:
        """From the organization's `working_hours` setting (the defaults where it is missing
        or malformed: it is checked when saved)."""
        value = stored if isinstance(stored, Mapping) else {}
        try:
            start = parse_hhmm(str(value.get("start", DEFAULT_START)))
            end = parse_hhmm(str(value.get("end", DEFAULT_END)))
        except ValueError:
            start, end = parse_hhmm(DEFAULT_START), parse_hhmm(DEFAULT_END)
        days = frozenset(int(d) for d in str(value.get("days", DEFAULT_DAYS)) if d in WEEKDAYS)
        other = []
        given = value.get("other")
        for day, pair in given.items() if isinstance(given, Mapping) else ():
            try:
                opens, closes = (parse_hhmm(str(v)) for v in pair)
            except (TypeError, ValueError):
                continue
            if str(day) in WEEKDAYS and int(day) in days:
                other.append((int(day), opens, closes))
        return cls(start, end, days, tuple(sorted(other)))

    @classmethod
    def of_week(cls, week: Mapping[int, tuple[time, time]]) -> WorkingHours:
        """From each open day's hours: the hours most days have are `start`-`end` (a tie:
        the earliest such day's), the rest are `other`."""
        if not week:
            return cls(parse_hhmm(DEFAULT_START), parse_hhmm(DEFAULT_END), frozenset())
        pairs = [week[d] for d in sorted(week)]
        common = max(pairs, key=lambda p: (pairs.count(p), -pairs.index(p)))
        other = tuple((d, *week[d]) for d in sorted(week) if week[d] != common)
        return cls(common[0], common[1], frozenset(week), other)

    def on(self, weekday: int) -> tuple[time, time] | None:
        """The day's opening and closing time; None: closed."""
        if weekday not in self.days:
            return None
        for day, opens, closes in self.other:
            if day == weekday:
                return opens, closes
        return self.start, self.end

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "start": hhmm(self.start), "end": hhmm(self.end), "days": self.day_digits,
        }  # fmt: skip
        if self.other:
            data["other"] = {str(d): [hhmm(a), hhmm(b)] for d, a, b in self.other}
        return data

    @property
    def day_digits(self) -> str:
        return "".join(str(d) for d in sorted(self.days))


def checked_hours(start: str, end: str, days: str) -> WorkingHours:
    """Working hours as an owner gives them, or a DomainError naming what is wrong."""
    try:
        opening, closing = parse_hhmm(start.strip()), parse_hhmm(end.strip())
    except ValueError:
        raise DomainError("time_of_day_invalid", given=f"{start[:8]}-{end[:8]}") from None
    chosen = {c for c in days if not c.isspace()}
    if not chosen or not chosen <= set(WEEKDAYS):
        raise DomainError("choose_option")
    if _minutes(closing) - _minutes(opening) < VISIT_MINUTES:
        raise DomainError("time_of_day_invalid", given=f"{start[:8]}-{end[:8]}")
    return WorkingHours(opening, closing, frozenset(int(c) for c in chosen))


def checked_week(week: Mapping[int, tuple[str, str] | None]) -> WorkingHours:
    """Working hours given day by day (ISO weekday -> opening and closing time as typed, or
    None: closed), or a DomainError naming the first day that is wrong
    (`working_day_invalid` with its `day`) or that no day is open (`working_days_none`)."""
    open_days: dict[int, tuple[time, time]] = {}
    for day in sorted(week):
        given = week[day]
        if given is None:
            continue
        try:
            opening, closing = parse_hhmm(given[0].strip()), parse_hhmm(given[1].strip())
        except ValueError:
            raise DomainError("working_day_invalid", day=day) from None
        if _minutes(closing) - _minutes(opening) < VISIT_MINUTES:
            raise DomainError("working_day_invalid", day=day)
        open_days[day] = (opening, closing)
    if not open_days:
        raise DomainError("working_days_none")
    return WorkingHours.of_week(open_days)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of wall time `at` on `day`, None if the clocks skip it."""
    local = datetime.combine(day, at, tzinfo=zone)
    utc = local.astimezone(UTC)
    back = utc.astimezone(zone)
    if (back.date(), back.time()) != (day, at):
        return None  # in a spring-forward gap
    return utc


def candidates(now: datetime, zone: str, hours: WorkingHours) -> list[datetime]:
    """Every start in the working hours from `now + LEAD` to `now + HORIZON` (UTC)."""
    tz = ZoneInfo(zone)
    first, last = now + LEAD, now + HORIZON
    step, visit = int(STEP.total_seconds()) // 60, VISIT_MINUTES
    found: list[datetime] = []
    day = now.astimezone(tz).date()
    while datetime.combine(day, time(), tzinfo=tz).astimezone(UTC) <= last:
        today = hours.on(day.isoweekday())
        if today is not None:
            opening, closing = _minutes(today[0]), _minutes(today[1])
            for minute in range(opening, closing - visit + 1, step):
                moment = _wall(day, time(minute // 60, minute % 60), tz)
                if moment is not None and first <= moment <= last:
                    found.append(moment)
        day += timedelta(days=1)
    return found


def busy_at(start: datetime, busy: Sequence[datetime]) -> bool:
    return any(abs(start - b) < VISIT for b in busy)


def free_slots(
    now: datetime,
    zone: str,
    hours: WorkingHours,
    people: Collection[int],
    busy: Mapping[int, Sequence[datetime]],
    own: datetime | None = None,
    limit: int = MAX_SLOTS,
) -> list[datetime]:
    """The first `limit` free starts (UTC, earliest first): a start is free when one of
    `people` has no order within a visit's length of it. Nobody to do it: none."""
    found = []
    for start in candidates(now, zone, hours):
        if own is not None and start == own:
            continue
        if any(not busy_at(start, busy.get(p, ())) for p in people):
            found.append(start)
            if len(found) >= limit:
                break
    return found
