"""A series of visits: the rule, what its orders copy, and its state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.recurring.rules import Rule

HORIZON_SETTING = "recurring_days"  # the organization setting (org_setting): days ahead
DEFAULT_HORIZON, MAX_HORIZON = 30, 366


class SeriesState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Series:
    """The orders of a series copy its template order (client, address, category,
    description and what later features hang on an order) and take the series' own time,
    assignee and price, which "this and following" changes."""

    id: int
    organization_id: int
    client_id: int | None
    template_order_id: int | None
    rule: Rule
    assignee_id: int | None
    price_minor: int | None
    state: SeriesState
    created_by: int | None
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class NewSeries:
    client_id: int | None
    template_order_id: int
    rule: Rule
    assignee_id: int | None
    price_minor: int | None
    created_by: int


def horizon_days(stored: object) -> int:
    """The organization's `recurring_days` setting (the default where missing or odd)."""
    if isinstance(stored, int) and not isinstance(stored, bool) and 1 <= stored <= MAX_HORIZON:
        return stored
    return DEFAULT_HORIZON
