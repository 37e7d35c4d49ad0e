"""Telegram's flood limits kept on our side, and a 429 waited out: python-telegram-bot's rate
limiter, fitted to a bot that talks to people in private chats and sends scheduled broadcasts.

PTB's `AIORateLimiter` paces only the whole bot and group chats (not a private chat's one
message a second), a 429 halts every request of the bot until it is waited out (answers to
tapped buttons too, which then come too late: "query is too old"), and after its retries it
logs a traceback. Here instead:

- a message into a chat (send*, copy*, forward*) waits for that chat's turn: a short burst,
  then one a second (a group: 20 a minute), then for its turn in the bot's 30 a second;
- two lanes: a call passes `rate_limit_args={"lane": Lane.BROADCAST}` for scheduled messages;
  every other message is a reply (`Lane.INTERACTIVE`) and never waits behind broadcasts: in
  this process broadcasts get the bot-wide budget only when no reply is waiting, and while
  people are being answered broadcasts leave a reserve of it to replies in every process;
- every other call (answers to taps, edits, getUpdates, files) goes at once;
- a 429 holds that chat (and broadcasts; with no chat, the whole bot) for its `retry_after`,
  then the call is tried again; past `max_retries` a warning (no traceback) and the
  `RetryAfter` goes to the caller.

The budget lives in this process (bot/flood_local.py) or, with `REDIS_URL`, in Redis for every
process of the bot (bot/flood_redis.py). docs/rate-limits.md has the numbers and the design.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.flood_local import LocalBudget
from bot.flood_rules import Budget, Lane, Limits, Turn

__all__ = ["FloodControl", "Lane", "Limits", "paced_chat"]

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
RateLimitArgs = Mapping[str, Any]  # {"lane": Lane, "max_retries": int}, both optional
PACED_PREFIXES = ("send", "copy", "forward")
UNPACED = frozenset({"sendChatAction"})
MAX_RETRIES = 5
Sleep = Callable[[float], Awaitable[Any]]


class Gate:
    """The bot-wide budget handed out in this process: replies first, then broadcasts, each in
    arrival order. One pump asks the budget for the head of the line, so a reply that arrives
    while broadcasts wait is next, and a process never floods Redis with retries."""

    def __init__(self, budget: Budget, sleep: Sleep) -> None:
        self._budget = budget
        self._sleep = sleep
        self._lines: dict[Lane, deque[asyncio.Future[Turn]]] = {lane: deque() for lane in Lane}
        self._pump: asyncio.Task[None] | None = None
        self._napping_for: Lane | None = None
        self._wake = asyncio.Event()

    def waiting(self, lane: Lane) -> int:
        return sum(not future.done() for future in self._lines[lane])

    async def turn(self, lane: Lane) -> Turn:
        future: asyncio.Future[Turn] = asyncio.get_running_loop().create_future()
        self._lines[lane].append(future)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run(), name="flood-gate")
        elif lane is Lane.INTERACTIVE and self._napping_for is Lane.BROADCAST:
            self._wake.set()  # the pump waits for a broadcast's turn: a reply's may be sooner
        return await future

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)

    async def _run(self) -> None:
        while (head := self._head()) is not None:
            lane, future = head
            try:
                turn = await self._budget.bot_turn(lane)
            except Exception as error:  # noqa: BLE001 - the caller gets it, the line goes on
                self._lines[lane].popleft()
                future.set_exception(error)
                continue
            if turn.granted:
                self._lines[lane].popleft()
                if not future.done():
                    future.set_result(turn)
            else:
                await self._nap(lane, turn.wait)

    def _head(self) -> tuple[Lane, asyncio.Future[Turn]] | None:
        for lane in Lane:  # INTERACTIVE first
            line = self._lines[lane]
            while line and line[0].done():  # its caller was cancelled
                line.popleft()
            if line:
                return lane, line[0]
        return None

    async def _nap(self, lane: Lane, seconds: float) -> None:
        if lane is Lane.INTERACTIVE:
            await self._sleep(seconds)
            return
        if self.waiting(Lane.INTERACTIVE):
            return  # a reply came while the budget was asked for a broadcast
        self._wake.clear()
        self._napping_for = lane
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._napping_for = None
            for task in (sleeper, woken):
                task.cancel()


class FloodControl(BaseRateLimiter[RateLimitArgs]):
    """The rate limiter every process's bot uses (see the module's docstring)."""

    takes_lanes = True  # handlers/delivery/lanes.py: only this limiter is given a lane

    def __init__(
        self,
        budget: Budget | None = None,
        max_retries: int = MAX_RETRIES,
        sleep: Sleep = asyncio.sleep,
        on_sent: Callable[[Lane], None] | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.budget = budget or LocalBudget(limits or Limits())
        self.max_retries = max_retries
        self._sleep = sleep
        self._on_sent = on_sent
        self._gate: Gate | None = None

    @property
    def gate(self) -> Gate:
        if self._gate is None:  # made in the event loop that sends
            self._gate = Gate(self.budget, self._sleep)
        return self._gate

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self._gate is not None:
            await self._gate.close()
            self._gate = None
        await self.budget.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> Result:
        """Wait for the chat's and the bot's turn (messages only), call, wait out 429s."""
        options = rate_limit_args or {}
        lane = Lane(options.get("lane", Lane.INTERACTIVE))
        retries = int(options.get("max_retries", self.max_retries))
        chat = paced_chat(endpoint, data)
        attempt = 0
        while True:
            turn = None if chat is None else await self.turn(chat, lane)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as flood:
                seconds = _seconds(flood.retry_after)
                if attempt >= retries:
                    log.warning(
                        "%s refused by flood control %d times; given up", endpoint, attempt + 1
                    )
                    raise
                attempt += 1
                log.info("%s refused by flood control: again in %.1f s", endpoint, seconds)
                held = _chat(data.get("chat_id"))
                await self.budget.hold(held, seconds)
                if chat is None:  # not paced: the next try does not wait for a turn
                    await self._sleep(seconds)
                continue
            finally:
                if turn is not None:  # counted from its answer: Telegram saw it by then
                    await self.budget.sent(turn)
            if chat is not None and self._on_sent is not None:
                self._on_sent(lane)
            return result

    async def turn(self, chat: int | str, lane: Lane = Lane.INTERACTIVE) -> Turn:
        """The chat's turn (taken again if a 429 held the chat meanwhile), then the bot's."""
        wait = await self.budget.chat_turn(chat, lane)
        while wait > 0:
            await self._sleep(wait)
            wait = 0.0
            if await self.budget.chat_held(chat) > 0:
                wait = await self.budget.chat_turn(chat, lane)
        return await self.gate.turn(lane)


def paced_chat(endpoint: str, data: dict[str, Any]) -> int | str | None:
    """The chat a call posts a message into, or None for calls that go at once."""
    if endpoint in UNPACED or not endpoint.startswith(PACED_PREFIXES):
        return None
    return _chat(data.get("chat_id"))


def _chat(value: object) -> int | str | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return str(value)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
