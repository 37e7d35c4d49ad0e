"""What the day's map shows and how points are laid out on the fallback map drawn without a
Yandex key: Web Mercator, fitted to the points with a margin, north up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.maps import valid_coordinates


@dataclass(frozen=True, slots=True)
class MapOrder:
    id: int
    number: int
    status: str
    latitude: float | None
    longitude: float | None
    address: str | None
    scheduled_at: datetime | None
    client: str | None
    assignee: str | None

    @property
    def placed(self) -> bool:
        return (
            self.latitude is not None
            and self.longitude is not None
            and valid_coordinates(self.latitude, self.longitude)
        )


@dataclass(frozen=True, slots=True)
class WorkerSpot:
    """A worker's last position shared with "On my way" (kept until the arrival)."""

    worker: str
    latitude: float
    longitude: float
    at: datetime
    order_number: int


@dataclass(frozen=True, slots=True)
class DayMap:
    orders: tuple[MapOrder, ...]
    workers: tuple[WorkerSpot, ...]
    maps_key: str | None  # the organization's (or the deployment's) Yandex Maps key

    @property
    def unplaced(self) -> tuple[MapOrder, ...]:
        return tuple(o for o in self.orders if not o.placed)


class DayMapRepository(Protocol):
    async def orders(self, org_id: int, start: datetime, end: datetime) -> list[MapOrder]:
        """Orders scheduled in [start, end), not cancelled, by time then number."""
        ...

    async def workers(self, org_id: int) -> list[WorkerSpot]:
        """Open trips' last shared positions."""
        ...


def _mercator(latitude: float, longitude: float) -> tuple[float, float]:
    lat = max(min(latitude, 85.0), -85.0)
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return math.radians(longitude), y


def layout(
    points: Sequence[tuple[float, float]], width: int, height: int, margin: int = 30
) -> list[tuple[float, float]]:
    """(latitude, longitude) -> (x, y) in a width x height picture: all points inside the
    margin, one scale for both axes (no distortion), a single point in the middle."""
    if not points:
        return []
    projected = [_mercator(lat, lon) for lat, lon in points]
    xs, ys = [p[0] for p in projected], [p[1] for p in projected]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    room_x, room_y = width - 2 * margin, height - 2 * margin
    scale = min(room_x / span_x if span_x else math.inf, room_y / span_y if span_y else math.inf)
    if math.isinf(scale):
        scale = 0.0
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [
        (width / 2 + (x - middle_x) * scale, height / 2 - (y - middle_y) * scale)
        for x, y in projected
    ]
