"""When a failed delivery is tried again, when it is given up, and when a subscription that
keeps failing is switched off (docs/webhooks.md, "Retries")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=4)
RETRY_WINDOW = timedelta(hours=24)  # a delivery is retried this long after its first try
DISABLE_AFTER = 20  # consecutive failed attempts of a subscription's deliveries
DISABLE_WINDOW = timedelta(hours=24)  # or failing without a success this long
TIMEOUT_SECONDS = 5.0
EXCERPT = 200  # characters of a response body kept


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_delay: timedelta = FIRST_DELAY
    longest_delay: timedelta = LONGEST_DELAY
    window: timedelta = RETRY_WINDOW
    disable_after: int = DISABLE_AFTER
    disable_window: timedelta = DISABLE_WINDOW

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed try: 30 s, 1 min, 2 min, ... at most 4 h."""
        doubled: timedelta = self.first_delay * (2 ** max(attempts - 1, 0))
        return min(doubled, self.longest_delay)

    def next_try(self, attempts: int, first_try: datetime, now: datetime) -> datetime | None:
        """When to try again after `attempts` failed tries; None when the window is over."""
        at = now + self.delay(attempts)
        return at if at - first_try <= self.window else None

    def disables(self, failures: int, failing_since: datetime, now: datetime) -> bool:
        return failures >= self.disable_after or now - failing_since >= self.disable_window
