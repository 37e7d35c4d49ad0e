"""What availability needs from storage (storage/availability.py), on the unit of work as
`availability`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Protocol

from core.availability.rules import Absence, AwayKind
from core.client_loop.slots import WorkingHours
from core.domain import Order


class AvailabilityRepository(Protocol):
    async def hours(self, org_id: int, user_ids: Collection[int]) -> dict[int, WorkingHours]:
        """Each person's own weekly hours (absent: the organization's working hours)."""
        ...

    async def set_hours(
        self, org_id: int, user_id: int, hours: WorkingHours | None, now: datetime
    ) -> None:
        """None: back to the organization's working hours."""
        ...

    async def absences(
        self, org_id: int, user_ids: Collection[int] | None, first: date, last: date
    ) -> list[Absence]:
        """Absences overlapping [first, last] of these people (None: everyone), by first day."""
        ...

    async def add_absence(
        self, org_id: int, user_id: int, kind: AwayKind, first: date, last: date, now: datetime
    ) -> Absence: ...

    async def remove_absence(self, org_id: int, user_id: int, absence_id: int) -> bool: ...

    async def kinds(self, org_id: int, user_ids: Collection[int]) -> dict[int, frozenset[int]]:
        """Each person's kinds of work (category ids); absent: every kind."""
        ...

    async def set_kind(self, org_id: int, user_id: int, category_id: int, does: bool) -> None:
        """Add or remove one kind of work of a person (either twice is the same as once)."""
        ...

    async def assigned_between(
        self, org_id: int, user_id: int, start: datetime, end: datetime
    ) -> list[Order]:
        """The person's assigned or started orders with a time in [start, end), by time."""
        ...
