"""Flood control like Telegram's FAQ describes it: per chat and overall, over a sliding window."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.emulator.errors import too_many_requests


@dataclass
class RateLimits:
    """Allowed sends per sliding `window` seconds; `tolerance` forgives clock jitter."""

    per_chat: int = 1
    overall: int = 30
    window: float = 1.0
    tolerance: float = 0.05


class RateLimiter:
    """Sliding-window counters of accepted sends, per chat and overall."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._per_chat: dict[int, deque[float]] = {}
        self._overall: deque[float] = deque()

    def check(self, chat_id: int) -> None:
        """Raise a 429 if one more send to `chat_id` now would exceed a limit."""
        now = self.clock()
        span = self.limits.window - self.limits.tolerance
        waits = [
            self._wait(self._per_chat.get(chat_id, deque()), self.limits.per_chat, now, span),
            self._wait(self._overall, self.limits.overall, now, span),
        ]
        longest = max(waits)
        if longest > 0:
            raise too_many_requests(max(1, math.ceil(longest)))

    def record(self, chat_id: int) -> None:
        """Count an accepted send."""
        now = self.clock()
        self._per_chat.setdefault(chat_id, deque()).append(now)
        self._overall.append(now)

    @staticmethod
    def _wait(stamps: deque[float], limit: int, now: float, span: float) -> float:
        while stamps and stamps[0] <= now - span:
            stamps.popleft()
        if len(stamps) < limit:
            return 0.0
        return stamps[len(stamps) - limit] + span - now
