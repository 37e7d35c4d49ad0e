"""The availability buttons (issue 20, item 11; docs/availability.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class AvailabilityAsk(Action, template="av:{what}"):
    """From /availability: type the weekly hours, or days off."""

    what: Literal["hours", "away"]


@dataclass(frozen=True)
class AbsenceRemove(Action, template="avx:{absence_id}"):
    """From /availability: an absence taken back."""

    absence_id: int


@dataclass(frozen=True)
class SickToday(Action, template="avs:{day}"):
    """ "I can't work today" on the morning plan of `day` (YYYYMMDD)."""

    day: int


@dataclass(frozen=True)
class Reassign(Action, template="avr:{order_id}:{worker_id}"):
    """A manager's one tap on a proposed worker for an order left by an absence."""

    order_id: int
    worker_id: int
