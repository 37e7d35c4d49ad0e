"""The real clock, a settable one, and one that starts at a chosen moment and then runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


class RunningClock(FixedClock):
    """Starts at a chosen moment and then runs at the speed of real time (a monotonic timer),
    so a whole process (the bot, its scheduler, its jobs) lives at a chosen hour of a chosen
    day whatever the machine's clock says. `advance` and `set` jump it like FixedClock."""

    def __init__(self, start: datetime, timer: Callable[[], float] = time.monotonic) -> None:
        super().__init__(start)
        self._timer = timer
        self._started = timer()

    def now(self) -> datetime:
        return self._now + timedelta(seconds=self._timer() - self._started)
