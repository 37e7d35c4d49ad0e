"""Flood control like Telegram's FAQ describes it: about one message a second in a chat, with a
short burst allowed, and about 30 messages a second for the whole bot; past either, a 429 with
`retry_after`."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.emulator.errors import too_many_requests


@dataclass
class RateLimits:
    """Per chat: `burst` sends at once, then `per_chat` per `window` seconds (a token bucket).
    Overall: `overall` sends per sliding `window`. `tolerance` (seconds) forgives clock jitter.
    """

    per_chat: int = 1
    overall: int = 30
    window: float = 1.0
    tolerance: float = 0.05
    burst: int = 3


class RateLimiter:
    """A token bucket per chat and a sliding window of accepted sends overall."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # chat: (tokens, at)
        self._overall: deque[float] = deque()

    def check(self, chat_id: int) -> None:
        """Raise a 429 if one more send to `chat_id` now would exceed a limit."""
        now = self.clock()
        span = self.limits.window - self.limits.tolerance
        waits = [self._chat_wait(chat_id, now), self._window_wait(now, span)]
        longest = max(waits)
        if longest > 0:
            raise too_many_requests(max(1, math.ceil(longest)))

    def record(self, chat_id: int) -> None:
        """Count an accepted send."""
        now = self.clock()
        self._buckets[chat_id] = (self._tokens(chat_id, now) - 1, now)
        self._overall.append(now)

    def _rate(self) -> float:
        return self.limits.per_chat / self.limits.window

    def _tokens(self, chat_id: int, now: float) -> float:
        capacity = max(self.limits.burst, self.limits.per_chat)
        tokens, at = self._buckets.get(chat_id, (capacity, now))
        return min(capacity, tokens + (now - at) * self._rate())

    def _chat_wait(self, chat_id: int, now: float) -> float:
        missing = 1 - self._tokens(chat_id, now) - self.limits.tolerance * self._rate()
        return missing / self._rate() if missing > 0 else 0.0

    def _window_wait(self, now: float, span: float) -> float:
        stamps, limit = self._overall, self.limits.overall
        while stamps and stamps[0] <= now - span:
            stamps.popleft()
        if len(stamps) < limit:
            return 0.0
        return stamps[len(stamps) - limit] + span - now
