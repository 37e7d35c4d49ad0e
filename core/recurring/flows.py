"""The conversations of a series: 🔁 Repeat (how often, which weekdays, until when) and
"this and following" (a new time, worker or price for this visit and the later ones)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, time

from core.dialogs.data import RepeatData, SeriesEditData, Worker
from core.dialogs.engine import DialogInput, Flow, Step, choice_of, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.orders.cards import visible_order
from core.orders.steps import parse_price
from core.outcomes import Outcome, SeriesChanged, SeriesStarted
from core.ports import Clock, UnitOfWork
from core.recurring.changes import Following, SeriesChanges
from core.recurring.rules import MAX_COUNT, MAX_INTERVAL, checked_rule, local_of
from core.recurring.service import repeatable, series_of
from core.when import parse_time, parse_when

FREQ_CHOICES = {"daily": "daily", "weekly": "weekly", "monthly": "monthly"}
FIELDS = {"time": "time", "assignee": "assignee", "price": "price"}
NEVER = "never"
DAY_NAMES = {
    1: ("mo", "mon", "monday", "пн", "пон", "понедельник"),
    2: ("tu", "tue", "tuesday", "вт", "вто", "вторник"),
    3: ("we", "wed", "wednesday", "ср", "сре", "среда"),
    4: ("th", "thu", "thursday", "чт", "чет", "четверг"),
    5: ("fr", "fri", "friday", "пт", "пят", "пятница"),
    6: ("sa", "sat", "saturday", "сб", "суб", "суббота"),
    7: ("su", "sun", "sunday", "вс", "вос", "воскресенье"),
}
_WORD = {name: day for day, names in DAY_NAMES.items() for name in names}


def parse_days(text: str | None) -> str:
    """Weekdays as typed ("Mon, Thu", "пн ср", "1 4", "14") as ISO digits, sorted."""
    days: set[int] = set()
    for part in re.split(r"[\s,;/+]+|\bи\b|\band\b", (text or "").casefold()):
        word = part.strip(" .")
        if not word:
            continue
        if word.isascii() and word.isdigit() and all(c in "1234567" for c in word):
            days |= {int(c) for c in word}
        elif word in _WORD:
            days.add(_WORD[word])
        else:
            raise DomainError("series_days_invalid")
    if not days:
        raise DomainError("series_days_invalid")
    return "".join(str(d) for d in sorted(days))


def parse_end(given: DialogInput, data: RepeatData) -> str:
    """No end, a number of visits, or a last day (a day and month already past this year
    is next year's)."""
    if given.choice == NEVER:
        return NEVER
    text = (given.text or "").strip()
    if text.isascii() and text.isdigit():
        count = int(text)
        if not 1 <= count <= MAX_COUNT:
            raise DomainError("series_count_range", limit=MAX_COUNT)
        return f"count:{count}"
    try:
        answer = parse_when(text, required(data.today))
    except DomainError:
        raise DomainError("series_end_invalid") from None
    day = answer.day
    if not answer.year_typed and day < required(data.today):
        day = day.replace(year=day.year + 1)
    checked_rule("daily", 1, required(data.start), time(0), until=day)
    return f"until:{day.isoformat()}"


def _interval(given: DialogInput, _data: RepeatData) -> int:
    text = (given.choice or given.number or given.text or "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_INTERVAL:
        raise DomainError("series_interval_range", limit=MAX_INTERVAL)
    return int(text)


def _days(given: DialogInput, data: RepeatData) -> str:
    if given.choice == "same":
        return str(required(data.weekday))
    return parse_days(given.text)


def _not_weekly(data: RepeatData) -> bool:
    return data.freq != "weekly"


def _worker(given: DialogInput, data: SeriesEditData) -> str:
    return choice_of({str(w.id): w.name for w in data.workers or ()})(given, data)


def _field(given: DialogInput, data: SeriesEditData) -> str:
    return choice_of(FIELDS)(given, data)


def _time(given: DialogInput, _data: SeriesEditData) -> time:
    return parse_time(given.text)


REPEAT_FLOW = Flow(
    RepeatData,
    (
        Step("freq", choice_of(FREQ_CHOICES)),
        Step("interval", _interval),
        Step("days", _days, skip=_not_weekly),
        Step("end", parse_end),
    ),
)
SERIES_EDIT_FLOW = Flow(
    SeriesEditData,
    (
        Step("field", _field),
        Step("time", _time, skip=lambda d: d.field != "time"),
        Step("assignee", _worker, skip=lambda d: d.field != "assignee"),
        Step("price", parse_price, skip=lambda d: d.field != "price"),
    ),
)


@dataclass(frozen=True, slots=True)
class EndOfSeries:
    until: date | None
    count: int | None


def end_of(answer: str) -> EndOfSeries:
    if answer.startswith("count:"):
        return EndOfSeries(None, int(answer.removeprefix("count:")))
    if answer.startswith("until:"):
        return EndOfSeries(date.fromisoformat(answer.removeprefix("until:")), None)
    return EndOfSeries(None, None)


class RepeatSpec(Spec[RepeatData]):
    flow = REPEAT_FLOW

    def __init__(self, clock: Clock, series: SeriesChanges) -> None:
        self._clock = clock
        self._series = series

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: RepeatData) -> RepeatData:
        if data.number is not None:
            return data
        assert actor.organization is not None
        order = await repeatable(uow, actor, data.order_id)
        assert order.scheduled_at is not None
        zone = actor.organization.timezone
        local = local_of(order.scheduled_at, zone)
        today = local_of(self._clock.now(), zone).date()
        return replace(
            data, number=order.number, weekday=local.isoweekday(), today=today, start=local.date()
        )

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: RepeatData
    ) -> Outcome:
        assert actor.organization is not None
        order = await repeatable(uow, actor, data.order_id)
        assert order.scheduled_at is not None
        local = local_of(order.scheduled_at, actor.organization.timezone)
        end = end_of(required(data.end))
        weekdays = tuple(int(d) for d in data.days or "")
        rule = checked_rule(
            required(data.freq),
            required(data.interval),
            local.date(),
            local.time().replace(second=0, microsecond=0),
            weekdays,
            end.until,
            end.count,
        )
        made = await self._series.make(uow, actor, order.id, rule)
        return SeriesStarted(made.series, made.order, made.made)


class SeriesEditSpec(Spec[SeriesEditData]):
    flow = SERIES_EDIT_FLOW

    def __init__(self, series: SeriesChanges) -> None:
        self._series = series

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: SeriesEditData) -> SeriesEditData:
        if data.number is not None:
            return data
        order = await visible_order(uow, actor, data.order_id)
        await series_of(uow, order)
        loads = await self._series.orders.loads(uow, actor, order.scheduled_at)
        workers = tuple(Worker(w.user.id, w.user.display_name, w.orders_today) for w in loads)
        return replace(data, number=order.number, workers=workers)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: SeriesEditData
    ) -> Outcome:
        field = required(data.field)
        value: object
        if field == "time":
            value = required(data.time)
        elif field == "assignee":
            value = int(required(data.assignee))
        else:
            value = data.price
        what: Following = (
            "time" if field == "time" else "assignee" if field == "assignee" else "price"
        )
        changes = await self._series.following(uow, actor, data.order_id, what, value)
        number = data.number or 0
        return SeriesChanged(tuple(changes), number)
