"""What availability shows and reports (core/availability/service.py), and the outcomes of
its conversations (`core.outcomes`)."""

from __future__ import annotations

from dataclasses import dataclass

from core.availability.rules import Absence
from core.client_loop.slots import WorkingHours
from core.domain import Order, User

AHEAD_DAYS = 400  # absences listed this far ahead
MAX_PROPOSALS = 4  # workers proposed for one order


@dataclass(frozen=True, slots=True)
class AvailabilityView:
    hours: WorkingHours
    own_hours: bool  # False: the organization's working hours
    absences: tuple[Absence, ...]  # from today on


@dataclass(frozen=True, slots=True)
class Proposal:
    user: User
    orders_that_day: int


@dataclass(frozen=True, slots=True)
class Affected:
    order: Order
    proposals: tuple[Proposal, ...]  # free then, fewest orders that day first


@dataclass(frozen=True, slots=True)
class AwayReport:
    absence: Absence
    worker: User
    affected: tuple[Affected, ...]
    leads: tuple[User, ...]  # who can reassign: told of the affected orders
    zone: str
    fresh: bool = True  # False: recorded before (a second tap on the plan's button)


@dataclass(frozen=True, slots=True)
class AssignWarning:
    worker: User
    clashes: tuple[Order, ...]  # the worker's other orders overlapping this one
    away: Absence | None
    outside_hours: bool

    @property
    def any(self) -> bool:
        return bool(self.clashes) or self.away is not None or self.outside_hours


@dataclass(frozen=True, slots=True)
class HoursSaved:
    """The member's weekly hours were saved (the work_hours conversation)."""

    hours: WorkingHours


@dataclass(frozen=True, slots=True)
class AwaySaved:
    """An absence was recorded (the time_off conversation), with what it means for orders."""

    report: AwayReport
