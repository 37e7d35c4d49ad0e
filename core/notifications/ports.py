"""Ports of scheduled notifications: the facts digests are made of, gathered for many
organizations at once, and the recipients, preferences and sent-key ledger of the scheduler."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.domain import Role
from core.notifications.digest import Facts, OrderRef
from core.notifications.rules import (
    ChangeEvent,
    OfferItem,
    Outgoing,
    PlanItem,
    Preferences,
    Recipient,
)
from core.numbers.rules import Visit


@dataclass(frozen=True, slots=True)
class Exceptions:
    """What needs attention in one organization: a few orders of each kind and the totals."""

    lists: dict[str, tuple[OrderRef, ...]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    unpaid_total: int = 0  # minor units still to collect on all done, unpaid orders


class DigestRepository(Protocol):
    async def numbers(
        self, org_ids: Collection[int], start: datetime, end: datetime, per_worker: bool = True
    ) -> dict[int, Facts]:
        """Created, done and cancelled counts, revenue by method and (optionally) done per
        worker in [start, end), for every organization in `org_ids`, in a few queries."""
        ...

    async def exceptions(
        self, org_ids: Collection[int], start: datetime, end: datetime, now: datetime, limit: int
    ) -> dict[int, Exceptions]:
        """Overdue, unassigned and done-but-unpaid orders now, and those cancelled in
        [start, end): up to `limit` of each kind per organization, with the totals."""
        ...

    async def visits(
        self, org_ids: Collection[int], start: datetime, end: datetime
    ) -> dict[int, list[Visit]]:
        """The orders done in [start, end) per organization, each with its client's having
        had an order done before `start`."""
        ...

    async def payments(
        self, org_id: int, start: datetime, end: datetime
    ) -> list[tuple[datetime, int]]:
        """(when, minor units) of each payment in [start, end), as the revenue counts them."""
        ...

    async def names(self, user_ids: Collection[int]) -> dict[int, str]: ...


class NotificationRepository(Protocol):
    async def recipients(
        self, roles: Collection[Role], org_ids: Collection[int] | None = None
    ) -> list[Recipient]:
        """Active, reachable, onboarded members with these roles in active organizations."""
        ...

    async def recipients_by_user(self, user_ids: Collection[int]) -> list[Recipient]: ...
    async def preferences(self, user_id: int) -> Preferences: ...
    async def save_preferences(self, user_id: int, prefs: Preferences, now: datetime) -> None: ...
    async def sent(self, keys: Collection[str]) -> dict[str, datetime]:
        """Which of `keys` were recorded already, and when."""
        ...

    async def record(self, items: Sequence[Outgoing], now: datetime) -> int:
        """Record each item's key and, only where the key is new, enqueue its delivery job, in
        the caller's transaction; returns how many jobs were enqueued."""
        ...

    async def purge(self, before: datetime) -> int: ...
    async def plan_orders(
        self, user_ids: Collection[int], start: datetime, end: datetime
    ) -> list[PlanItem]:
        """Orders assigned to these people scheduled in [start, end), not done or cancelled."""
        ...

    async def upcoming(self, start: datetime, end: datetime) -> list[PlanItem]:
        """Assigned orders, not started yet, scheduled in (start, end]."""
        ...

    async def late(self, start: datetime, end: datetime) -> list[PlanItem]:
        """New or assigned orders scheduled in [start, end)."""
        ...

    async def untaken(self, since: datetime) -> list[OfferItem]:
        """Orders offered to all workers at or after `since` that nobody has taken (still new,
        still on offer)."""
        ...

    async def changes(self, since: datetime, kinds: Collection[str]) -> list[ChangeEvent]: ...
