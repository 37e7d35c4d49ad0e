"""The /availability conversations (docs/availability.md): weekly hours ("09:00-18:00 1-5")
and days off or a vacation ("10.03-20.03"), one typed answer each, completed in the
conversation's unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from core.availability.model import AwaySaved, HoursSaved
from core.availability.rules import AwayKind, local_day, parse_days, parse_hours
from core.availability.service import AvailabilityService
from core.dialogs.availability_data import TimeOffData, WorkHoursData
from core.dialogs.engine import DialogInput, Flow, Step, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.notifications.schedule import hhmm
from core.outcomes import Outcome
from core.ports import Clock, UnitOfWork


def _hours(given: DialogInput, data: WorkHoursData) -> str:
    hours = parse_hours(given.text or "")
    return f"{hhmm(hours.start)}-{hhmm(hours.end)} {hours.day_digits}"


def _days(given: DialogInput, data: TimeOffData) -> str:
    today = date.fromisoformat(required(data.today))
    first, last = parse_days(given.text or "", today)
    if first < today:
        raise DomainError("away_days_past")
    return f"{first.isoformat()}/{last.isoformat()}"


HOURS_FLOW = Flow(WorkHoursData, (Step("hours", _hours),))
TIME_OFF_FLOW = Flow(TimeOffData, (Step("days", _days),))


class WorkHoursSpec(Spec[WorkHoursData]):
    flow = HOURS_FLOW

    def __init__(self, availability: AvailabilityService) -> None:
        self._availability = availability

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: WorkHoursData
    ) -> Outcome:
        hours = parse_hours(required(data.hours))
        await self._availability.set_hours(uow, actor, hours)
        return HoursSaved(hours)


class TimeOffSpec(Spec[TimeOffData]):
    flow = TIME_OFF_FLOW

    def __init__(self, clock: Clock, availability: AvailabilityService) -> None:
        self._clock = clock
        self._availability = availability

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: TimeOffData) -> TimeOffData:
        if data.today is not None:
            return data
        if actor.organization is None:
            raise DomainError("no_organization")
        today = local_day(self._clock.now(), actor.organization.timezone)
        return replace(data, today=today.isoformat())

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: TimeOffData
    ) -> Outcome:
        first, last = (date.fromisoformat(d) for d in required(data.days).split("/"))
        report = await self._availability.away(uow, actor, AwayKind.VACATION, first, last)
        return AwaySaved(report)
