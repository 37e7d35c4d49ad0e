"""The conversations of /availability, typed: a member's weekly hours and their days off
(`core.availability.flows`). Stored and read back by `core.dialogs.data` like every flow's
data."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs.engine import DialogData


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkHoursData(DialogData):
    """A member's weekly hours typed in /availability (`core.availability.flows`): kept as
    "09:00-18:00 12345" (ISO weekdays)."""

    flow = "work_hours"
    hours: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeOffData(DialogData):
    """Days off or a vacation typed in /availability: the organization's local day when the
    conversation began (`today`, ISO; a date without a year is its next occurrence from then)
    and the days, "2026-03-10/2026-03-20"."""

    flow = "time_off"
    today: str | None = None
    days: str | None = None
