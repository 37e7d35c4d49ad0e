"""When an order is to happen, asked the same way by /neworder and by rescheduling: a day (a
button or typed), the question "did you mean next year?" for a day and month already past, and
the time when the day came without one. Dates are the organization's wall clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import TypeVar

from core.dialogs.data import When, WhenData
from core.dialogs.engine import DialogInput, Step, choice_of, required
from core.when import WhenAnswer, check_not_past, next_year, parse_time, parse_when

W = TypeVar("W", bound=WhenData)


def _when(given: DialogInput, data: WhenData) -> When:
    today = required(data.today)
    if given.choice == "none":
        return When(day=None, time=None)
    text = {"today": "today", "tomorrow": "tomorrow", "after": "day after tomorrow"}.get(
        given.choice or "", given.text or ""
    )
    return when_value(parse_when(text, today), required(data.now_local))


def when_value(answer: WhenAnswer, now_local: datetime) -> When:
    """A date as the flow keeps it. A day and month already past this year carries the same
    day next year for the 'did you mean next year?' question; any other past moment is
    refused."""
    later = next_year(answer, now_local.date())
    if later is not None:
        return When(day=answer.day, time=answer.at, next_year=later)
    check_not_past(answer.day, answer.at, now_local)
    return When(day=answer.day, time=answer.at)


def settle_year(data: W) -> W:
    """The answer to 'did you mean next year?': the date moves on a year, or is asked again."""
    if data.when_year is None:
        return data
    if data.when_year == "yes" and data.when is not None and data.when.next_year is not None:
        moved = When(day=data.when.next_year, time=data.when.time)
        return replace(data.forget("when_year"), when=moved)
    return data.forget("when_year", "when")


def _time(given: DialogInput, data: WhenData) -> time:
    at = parse_time(given.choice or given.text)
    not_past(required(required(data.when).day), at, data)
    return at


def not_past(day: date, at: time | None, data: WhenData) -> None:
    """Refuses a moment already past, by the wall clock the flow was started at."""
    check_not_past(day, at, required(data.now_local))


def _no_year_question(data: WhenData) -> bool:
    return data.when is None or data.when.next_year is None


def _no_time_question(data: WhenData) -> bool:
    return data.when is None or data.when.day is None or data.when.time is not None


WHEN_STEPS: tuple[Step[WhenData], ...] = (
    Step("when", _when),
    Step("when_year", choice_of({"yes": "yes", "no": "no"}), skip=_no_year_question),
    Step("time", _time, skip=_no_time_question),
)
