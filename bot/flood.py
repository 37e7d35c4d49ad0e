"""Telegram's flood limits kept on our side, and a 429 waited out: python-telegram-bot's rate
limiter, fitted to a bot that talks to people in private chats.

PTB's `AIORateLimiter` paces only the whole bot and group chats (not a private chat's one
message a second), a 429 halts every request of the bot until it is waited out (answers to
tapped buttons too, which then come too late: "query is too old"), and after its retries it
logs a traceback. Here instead:

- a message into a chat (send*, copy*, forward*) waits for that chat's turn: a short burst,
  then one a second (a group: 20 a minute), and for its turn in the bot's 30 a second;
- every other call (answers to taps, edits, getUpdates, files) goes at once;
- a 429 holds only that chat for its `retry_after`, then the call is tried again; past
  `max_retries` a warning (no traceback) and the `RetryAfter` goes to the caller.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
PACED_PREFIXES = ("send", "copy", "forward")
UNPACED = frozenset({"sendChatAction"})
MAX_RETRIES = 5
_FORGET_AFTER = 4096  # chats remembered before idle ones are dropped


class Pace(Protocol):
    def reserve(self, now: float) -> float:
        """Seconds until the next send may go; its turn is taken."""

    def hold(self, now: float, seconds: float) -> None:
        """Nothing goes for `seconds` (Telegram answered 429)."""

    def idle(self, now: float) -> bool:
        """Whether forgetting this pace changes nothing."""


class TokenBucket:
    """`burst` sends at once, then one every `interval` seconds (GCRA: each send reserves the
    next theoretical arrival time, so concurrent senders queue up fairly)."""

    def __init__(self, interval: float, burst: int) -> None:
        self.interval = interval
        self.tolerance = (burst - 1) * interval
        self.due = 0.0  # when the bucket is full again

    def reserve(self, now: float) -> float:
        due = max(self.due, now)
        self.due = due + self.interval
        return max(0.0, due - self.tolerance - now)

    def hold(self, now: float, seconds: float) -> None:
        self.due = max(self.due, now + seconds + self.tolerance)

    def idle(self, now: float) -> bool:
        return self.due <= now


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


class FloodControl(BaseRateLimiter[int]):
    """The rate limiter every process's bot uses (see the module's docstring)."""

    def __init__(
        self,
        per_chat_interval: float = 1.0,
        chat_burst: int = 3,
        overall_per_second: int = 30,
        group_per_minute: int = 20,
        max_retries: int = MAX_RETRIES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._private = (per_chat_interval, chat_burst)
        self._group_per_minute = group_per_minute
        self._overall = SlidingWindow(overall_per_second, 1.0)
        self._chats: dict[int | str, Pace] = {}
        self.max_retries = max_retries
        self._clock = clock
        self._sleep = sleep

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Wait for the chat's turn (messages only), call, and wait out 429s."""
        chat = paced_chat(endpoint, data)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            if chat is not None:
                await self._turn(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as flood:
                seconds = _seconds(flood.retry_after)
                if attempt >= retries:
                    log.warning(
                        "%s refused by flood control %d times; given up", endpoint, attempt + 1
                    )
                    raise
                attempt += 1
                log.info("%s refused by flood control: again in %.1f s", endpoint, seconds)
                await self._wait_out(chat, seconds)

    async def _turn(self, chat: int | str) -> None:
        wait = self._pace(chat).reserve(self._clock())
        if wait > 0:
            await self._sleep(wait)
        wait = self._overall.reserve(self._clock())
        if wait > 0:
            await self._sleep(wait)

    async def _wait_out(self, chat: int | str | None, seconds: float) -> None:
        if chat is None:
            await self._sleep(seconds)
        else:
            self._pace(chat).hold(self._clock(), seconds)  # the next turn waits

    def _pace(self, chat: int | str) -> Pace:
        pace = self._chats.get(chat)
        if pace is None:
            if len(self._chats) >= _FORGET_AFTER:
                self._forget_idle()
            pace = self._chats[chat] = self._new_pace(chat)
        return pace

    def _new_pace(self, chat: int | str) -> Pace:
        if isinstance(chat, int) and chat > 0:  # a private chat
            return TokenBucket(*self._private)
        return SlidingWindow(self._group_per_minute, 60.0)

    def _forget_idle(self) -> None:
        now = self._clock()
        for chat in [chat for chat, pace in self._chats.items() if pace.idle(now)]:
            del self._chats[chat]


def paced_chat(endpoint: str, data: dict[str, Any]) -> int | str | None:
    """The chat a call posts a message into, or None for calls that go at once."""
    if endpoint in UNPACED or not endpoint.startswith(PACED_PREFIXES):
        return None
    chat = data.get("chat_id")
    if chat is None:
        return None
    try:
        return int(chat)
    except (TypeError, ValueError):
        return str(chat)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
