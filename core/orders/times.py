"""When a worker really started and finished (issue 20, item 9): the moment of the tap or
message as Telegram and our inbox recorded it, not the moment the update was applied, so a
Start or Done that reached us late keeps its own time and is noted as late. Travel time is
from "On my way" (the trip's start, `core.client_loop.trips`) to Start. docs/work-times.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.domain import OrderEvent

# An update applied this long after its own time is noted as late on the order's history.
LATE_AFTER = timedelta(minutes=3)
# How far back an update's own time is believed: Telegram keeps an undelivered update for 24
# hours; anything older is a wrong clock, and the time of applying is used.
TRUSTED_FOR = timedelta(hours=24)
ON_THE_WAY_EVENT = "on_the_way"  # shown in the history only, from the trip (never stored)


def acted_at(at: datetime | None, now: datetime) -> datetime:
    """The moment an action counts from: its own time when known and believable (not in the
    future, not older than TRUSTED_FOR), else `now`."""
    if at is None or at > now or now - at > TRUSTED_FOR:
        return now
    return at


def event_data(at: datetime, now: datetime) -> dict[str, object]:
    """What a start or done event records besides its status change: its own time and, when it
    came late, by how many whole minutes."""
    data: dict[str, object] = {"at": at.isoformat()}
    late = now - at
    if late >= LATE_AFTER:
        data["late_min"] = int(late.total_seconds() // 60)
    return data


def happened_at(event: OrderEvent) -> datetime:
    """An event's own time: the action's (start, done) when it recorded one."""
    raw = event.data.get("at")
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return event.created_at
    return event.created_at


def late_minutes(event: OrderEvent) -> int | None:
    raw = event.data.get("late_min")
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0 else None


def travel_minutes(on_the_way: datetime | None, started: datetime | None) -> int | None:
    """Whole minutes from "On my way" to Start (None: either is missing, or Start came first)."""
    if on_the_way is None or started is None or started < on_the_way:
        return None
    return int((started - on_the_way).total_seconds() // 60)


def with_trip(
    events: list[OrderEvent], trip_started: datetime | None, worker_id: int | None
) -> list[OrderEvent]:
    """The history with "On my way" in its place (the trip is kept apart from the events)."""
    if trip_started is None:
        return events
    trip = OrderEvent(0, 0, worker_id, ON_THE_WAY_EVENT, {}, trip_started)
    place = next((i for i, e in enumerate(events) if happened_at(e) > trip_started), len(events))
    return [*events[:place], trip, *events[place:]]
