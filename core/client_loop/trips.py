"""An assignee on the way to the client ("On my way", issue 19, item 6): the record of one
trip per order, as storage keeps it (storage/client_loop/trips.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.client_loop.eta import Point
from core.client_loop.model import Channel

# What `ClientLoopRepository.change_trip` may set.
TRIP_FIELDS = frozenset(
    {
        "channel",
        "message_id",
        "chat_id",
        "draft",
        "eta_minutes",
        "latitude",
        "longitude",
        "position_at",
        "edited_at",
        "edits",
        "arrived_at",
    }
)


@dataclass(frozen=True, slots=True)
class Trip:
    """`channel` is set once the client was told (None: the worker has not shared a location
    or picked a time yet); `message_id` is the client message log entry of that message (its
    Telegram message id is the entry's provider id once sent); `draft` holds what renders the
    message again with a new ETA (kind, language, template, values); `edits` counts the edits
    asked for, so an edit sent late can tell it was superseded."""

    id: int
    organization_id: int
    order_id: int
    worker_id: int
    client_id: int
    created_at: datetime
    channel: Channel | None = None
    message_id: int | None = None
    chat_id: int = 0
    draft: dict[str, Any] = field(default_factory=dict)
    eta_minutes: int | None = None
    position: Point | None = None
    position_at: datetime | None = None
    edited_at: datetime | None = None
    edits: int = 0
    arrived_at: datetime | None = None

    @property
    def told(self) -> bool:
        return self.channel is not None


class TripRepository(Protocol):
    """Part of `ClientLoopRepository` (storage/client_loop/trips.py)."""

    async def trip(self, org_id: int, order_id: int) -> Trip | None: ...
    async def active_trip(self, worker_id: int) -> Trip | None:
        """The worker's latest trip not arrived yet, in any organization."""
        ...

    async def add_trip(
        self, org_id: int, order_id: int, worker_id: int, client_id: int, now: datetime
    ) -> Trip: ...
    async def change_trip(self, org_id: int, order_id: int, values: Mapping[str, object]) -> bool:
        """Set `values` (names of `TRIP_FIELDS`; False: no such trip)."""
        ...
