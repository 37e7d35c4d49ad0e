"""When an order is to happen, asked the same way by /neworder and by rescheduling: a day (a
button or typed), the question "did you mean next year?" for a day and month already past, and
the time when the day came without one. Dates are the organization's wall clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from core.dialogs import DialogInput, Step, choice_of
from core.when import WhenAnswer, check_not_past, next_year, parse_time, parse_when


def _when(given: DialogInput, data: Mapping[str, Any]) -> dict[str, str | None]:
    today = date.fromisoformat(data["today"])
    if given.choice == "none":
        return {"day": None, "time": None}
    text = {"today": "today", "tomorrow": "tomorrow", "after": "day after tomorrow"}.get(
        given.choice or "", given.text or ""
    )
    return when_value(parse_when(text, today), _now_local(data))


def when_value(answer: WhenAnswer, now_local: datetime) -> dict[str, str | None]:
    """A date as the flow keeps it. A day and month already past this year carries the same
    day next year for the 'did you mean next year?' question; any other past moment is
    refused."""
    at = answer.at.isoformat() if answer.at else None
    later = next_year(answer, now_local.date())
    if later is not None:
        return {"day": answer.day.isoformat(), "time": at, "next_year": later.isoformat()}
    check_not_past(answer.day, answer.at, now_local)
    return {"day": answer.day.isoformat(), "time": at}


def settle_year(data: dict[str, Any]) -> None:
    """The answer to 'did you mean next year?': the date moves on a year, or is asked again."""
    answer = data.pop("when_year", None)
    if answer == "yes":
        when = data["when"]
        data["when"] = {"day": when["next_year"], "time": when["time"]}
    elif answer is not None:
        data.pop("when", None)


def _time(given: DialogInput, data: Mapping[str, Any]) -> str:
    at = parse_time(given.choice or given.text)
    not_past(date.fromisoformat(data["when"]["day"]), at, data)
    return at.isoformat()


def not_past(day: date, at: time | None, data: Mapping[str, Any]) -> None:
    """Refuses a moment already past, by the wall clock the flow was started at."""
    check_not_past(day, at, _now_local(data))


def _now_local(data: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(data["now_local"])


def _no_year_question(data: Mapping[str, Any]) -> bool:
    return not data["when"].get("next_year")


WHEN_STEPS = (
    Step("when", _when),
    Step("when_year", choice_of({"yes": "yes", "no": "no"}), skip=_no_year_question),
    Step("time", _time, skip=lambda d: not d["when"]["day"] or bool(d["when"]["time"])),
)
