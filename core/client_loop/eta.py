"""How long until a worker on the way arrives (issue 19, item 6).

From a routing service when one is configured (`Routing`, a core port: Yandex's Distance
Matrix in integrations/yandex_router.py), otherwise from the straight-line (great-circle)
distance times a detour factor at an average city speed, both per-organization settings.
Minutes are rounded as a person would say them and are never zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from core.errors import DomainError

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
ARRIVED_WITHIN_M = 150.0  # closer than this to the address: arrived
DEFAULT_DETOUR = 1.4  # roads are longer than the straight line
DEFAULT_SPEED_KMH = 25  # an average city speed, stops and lights included
MIN_DETOUR, MAX_DETOUR = 1.0, 3.0
MIN_SPEED_KMH, MAX_SPEED_KMH = 5, 90
MANUAL_MINUTES = (15, 30, 60)  # what a worker without a live location can pick


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


class Routing(Protocol):
    """A routing service: the driving time from one point to another, in seconds (None: no
    route, or the service failed; the straight-line estimate is used then)."""

    async def drive_seconds(self, origin: Point, destination: Point) -> float | None: ...


def checked_eta(detour: float, speed_kmh: int) -> None:
    """The organization's ETA settings if sensible, else a DomainError naming the range."""
    if isinstance(detour, bool) or not isinstance(detour, int | float):
        raise DomainError("eta_detour_range", low=MIN_DETOUR, high=MAX_DETOUR)
    if not (math.isfinite(detour) and MIN_DETOUR <= detour <= MAX_DETOUR):
        raise DomainError("eta_detour_range", low=MIN_DETOUR, high=MAX_DETOUR)
    if isinstance(speed_kmh, bool) or not isinstance(speed_kmh, int):
        raise DomainError("eta_speed_range", low=MIN_SPEED_KMH, high=MAX_SPEED_KMH)
    if not MIN_SPEED_KMH <= speed_kmh <= MAX_SPEED_KMH:
        raise DomainError("eta_speed_range", low=MIN_SPEED_KMH, high=MAX_SPEED_KMH)


def distance_m(a: Point, b: Point) -> float:
    """The great-circle distance in metres (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def straight_seconds(a: Point, b: Point, detour: float, speed_kmh: float) -> float:
    """The straight-line distance times the detour factor, at the average speed."""
    return distance_m(a, b) * detour / (speed_kmh / 3.6)


def arrived(position: Point, destination: Point) -> bool:
    return distance_m(position, destination) <= ARRIVED_WITHIN_M


def rounded_minutes(seconds: float) -> int:
    """Up to the minute under 10 minutes, to 5 minutes under an hour, to 10 minutes above;
    at least 1 (a person is never told "0 min")."""
    minutes = max(1, math.ceil(max(seconds, 0.0) / 60))
    if minutes <= 10:
        return minutes
    step = 5 if minutes <= 60 else 10
    return step * math.ceil(minutes / step)


async def eta_minutes(
    position: Point,
    destination: Point,
    detour: float,
    speed_kmh: float,
    routing: Routing | None = None,
) -> int:
    """The routing service's driving time when it answers, else the straight-line estimate."""
    seconds = await routing.drive_seconds(position, destination) if routing else None
    if seconds is None:
        seconds = straight_seconds(position, destination, detour, speed_kmh)
    return rounded_minutes(seconds)
