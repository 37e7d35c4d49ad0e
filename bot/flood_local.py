"""The flood budget of one process (no `REDIS_URL`): the same rules as the Redis script in
bot/flood_redis.py, kept in memory with an injectable clock (see docs/rate-limits.md)."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bot.flood_rules import Lane, Limits, Turn, is_private, span

_FORGET_AFTER = 4096  # chats remembered before idle ones are dropped


class Pace(Protocol):
    def reserve(self, now: float) -> float:
        """Seconds until the next send may go; its turn is taken."""

    def hold(self, now: float, seconds: float) -> None:
        """Nothing goes for `seconds` (Telegram answered 429)."""

    def idle(self, now: float) -> bool:
        """Whether forgetting this pace changes nothing."""

    def held_for(self, now: float) -> float:
        """Seconds left of a hold (0: none)."""


class TokenBucket:
    """`burst` sends at once, then one every `interval` seconds (GCRA: each send reserves the
    next theoretical arrival time, so concurrent senders queue up fairly)."""

    def __init__(self, interval: float, burst: int) -> None:
        self.interval = interval
        self.tolerance = (burst - 1) * interval
        self.due = 0.0  # when the bucket is full again
        self._held = 0.0

    def reserve(self, now: float) -> float:
        due = max(self.due, now)
        self.due = due + self.interval
        return max(0.0, due - self.tolerance - now)

    def hold(self, now: float, seconds: float) -> None:
        self._held = max(self._held, now + seconds)
        self.due = max(self.due, self._held + self.tolerance)

    def idle(self, now: float) -> bool:
        return self.due <= now

    def held_for(self, now: float) -> float:
        return max(0.0, self._held - now)


class SlidingWindow:
    """At most `limit` sends in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._turns: deque[float] = deque()
        self._held = 0.0

    def reserve(self, now: float) -> float:
        turns = self._turns
        while turns and turns[0] <= now - self.period:
            turns.popleft()
        start = max(now, self._held)
        if len(turns) >= self.limit:
            start = max(start, turns[-self.limit] + self.period)
        turns.append(max(start, turns[-1]) if turns else start)
        return turns[-1] - now

    def hold(self, now: float, seconds: float) -> None:
        self._held = max(self._held, now + seconds)

    def idle(self, now: float) -> bool:
        return self._held <= now and (not self._turns or self._turns[-1] <= now - self.period)

    def held_for(self, now: float) -> float:
        return max(0.0, self._held - now)


class LocalBudget:
    """Per-chat paces, the bot-wide window with its interactive reserve, and 429 holds."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._chats: dict[int | str, Pace] = {}
        self._grants: deque[float] = deque()
        self._held = 0.0  # the whole bot
        self._broadcast_held = 0.0
        self._interactive_until = 0.0

    async def chat_turn(self, chat: int | str, lane: Lane = Lane.INTERACTIVE) -> float:
        return self._pace(chat).reserve(self._clock())

    async def chat_held(self, chat: int | str) -> float:
        pace = self._chats.get(chat)
        return 0.0 if pace is None else pace.held_for(self._clock())

    async def bot_turn(self, lane: Lane) -> Turn:
        now = self._clock()
        limits, held, cap = self.limits, self._held, self.limits.per_second
        if lane is Lane.BROADCAST:
            held = max(held, self._broadcast_held)
            if self._interactive_until > now:
                cap -= limits.reserve
        else:
            self._interactive_until = now + limits.linger
        if held > now:
            return Turn(False, held - now, now)
        grants = self._grants
        window = span(limits)
        while grants and grants[0] <= now - window:
            grants.popleft()
        if len(grants) < cap:
            grants.append(now)
            return Turn(True, 0.0, now)
        return Turn(False, grants[len(grants) - cap] + window - now, now)

    async def sent(self, turn: Turn) -> None:
        grants = self._grants
        # Still in the window: counted from its answer instead; out of it already: back in,
        # since it may have arrived only now.
        with contextlib.suppress(ValueError):
            grants.remove(turn.at)
        grants.append(self._clock())  # every grant is in the past: the deque stays sorted

    async def hold(self, chat: int | str | None, seconds: float) -> None:
        now = self._clock()
        if chat is None:
            self._held = max(self._held, now + seconds)
            return
        self._pace(chat).hold(now, seconds)
        self._broadcast_held = max(self._broadcast_held, now + seconds)

    async def close(self) -> None:
        return None

    def _pace(self, chat: int | str) -> Pace:
        pace = self._chats.get(chat)
        if pace is None:
            if len(self._chats) >= _FORGET_AFTER:
                self._forget_idle()
            limits = self.limits
            pace = self._chats[chat] = (
                TokenBucket(limits.chat_interval, limits.chat_burst)
                if is_private(chat)
                else SlidingWindow(limits.group_limit, limits.group_period)
            )
        return pace

    def _forget_idle(self) -> None:
        now = self._clock()
        for chat in [chat for chat, pace in self._chats.items() if pace.idle(now)]:
            del self._chats[chat]
