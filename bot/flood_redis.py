"""The flood budget shared by every process of a bot (`REDIS_URL`): Telegram's limits as atomic
Lua scripts in Redis, timed by Redis's own clock (docs/rate-limits.md explains the design).

Keys live under one hash tag per bot (`astracrm:flood:{<bot id>}`), so a cluster keeps them
on one node, and expire when idle. If Redis cannot be reached, this process paces itself with
an in-process budget (a warning is logged) and asks Redis again a few seconds later: a blip
never silences the bot, and Telegram's 429s are still waited out.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from bot.flood_local import LocalBudget
from bot.flood_rules import Lane, Limits, Turn, is_private, span

log = logging.getLogger(__name__)

RETRY_REDIS_AFTER = 5.0  # seconds on the in-process budget after Redis failed
CONNECTIONS = 32  # per process; a call waits for a free one
BROADCAST_CALLS = 8  # broadcasts' calls in flight at once: replies never queue behind them
_US = 1_000_000

# Every script takes ARGV[1] = now in microseconds, or "" to read Redis's TIME (production:
# one clock for every process). Times are integer microseconds, stored with %.0f.
_NOW = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function num(key)
  return tonumber(redis.call('GET', key) or '0') or 0
end
local function store(key, value, ttl_us)
  redis.call('SET', key, string.format('%.0f', value), 'PX', math.ceil(ttl_us / 1000) + 1000)
end
"""

# KEYS: the chat's turns, the chat's hold. ARGV: now, "p" (private: GCRA with interval and
# burst) or "g" (group: at most `limit` turns in any `period`), interval|period, burst|limit.
# Reserves the chat's next turn and answers {microseconds until it, now}.
CHAT_TURN = (
    _NOW
    + """
local hold = num(KEYS[2])
local span, size = tonumber(ARGV[3]), tonumber(ARGV[4])
local turn
if ARGV[2] == 'p' then
  local tolerance = (size - 1) * span
  local due = math.max(num(KEYS[1]), now, hold + tolerance)
  turn = math.max(now, due - tolerance)
  store(KEYS[1], due + span, due + span - now)
else
  local turns = redis.call('LRANGE', KEYS[1], 0, -1)
  local n = #turns
  turn = math.max(now, hold)
  if n >= size then turn = math.max(turn, tonumber(turns[n - size + 1]) + span) end
  if n > 0 then turn = math.max(turn, tonumber(turns[n])) end
  redis.call('RPUSH', KEYS[1], string.format('%.0f', turn))
  redis.call('LTRIM', KEYS[1], -size, -1)
  redis.call('PEXPIRE', KEYS[1], math.ceil((turn + span - now) / 1000) + 1000)
end
return {turn - now, now}
"""
)

# KEYS: the chat's hold. ARGV: now. Answers microseconds left of the hold (0: none).
CHAT_HELD = _NOW + "return math.max(0, num(KEYS[1]) - now)\n"

# KEYS: the bot's grants (a sorted set of times), the bot's hold, the broadcasts' hold, until
# when replies keep their reserve. ARGV: now, lane ("i"|"b"), limit, window, reserve, linger,
# a unique member. Answers {1, 0, now} (granted and counted) or {0, microseconds, now}.
BOT_TURN = (
    _NOW
    + """
local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local hold, cap = num(KEYS[2]), limit
if ARGV[2] == 'b' then
  hold = math.max(hold, num(KEYS[3]))
  if num(KEYS[4]) > now then cap = limit - tonumber(ARGV[5]) end
else
  local linger = tonumber(ARGV[6])
  store(KEYS[4], math.max(num(KEYS[4]), now + linger), linger)
end
if hold > now then return {0, hold - now, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local count = redis.call('ZCARD', KEYS[1])
if count < cap then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[7])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return {1, 0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now, now}
"""
)

# KEYS: the bot's grants. ARGV: now, window, the grant's member. The grant counts from now (its
# message has been answered), in the window or back in it. Answers now.
SENT = (
    _NOW
    + """
redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) / 1000) + 1000)
return now
"""
)

# KEYS: the holds to extend. ARGV: now, microseconds. Answers now.
HOLD = (
    _NOW
    + """
local seconds = tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  store(key, math.max(num(key), now + seconds), seconds)
end
return now
"""
)


class RedisBudget:
    """Telegram's limits for every process that shares `prefix` in one Redis."""

    def __init__(
        self,
        client: Redis,
        prefix: str,
        limits: Limits | None = None,
        clock: Callable[[], float] | None = None,
        fallback_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or Limits()
        self.prefix = prefix
        self._client = client
        self._clock = clock  # None: Redis's TIME (tests inject one)
        self._fallback = LocalBudget(self.limits, fallback_clock)
        self._fallback_clock = fallback_clock
        self._redis_again = 0.0
        self._chat_turn = client.register_script(CHAT_TURN)
        self._chat_held = client.register_script(CHAT_HELD)
        self._bot_turn = client.register_script(BOT_TURN)
        self._hold = client.register_script(HOLD)
        self._sent = client.register_script(SENT)
        self._broadcast_calls = asyncio.Semaphore(BROADCAST_CALLS)
        self._member = f"{os.getpid()}:{secrets.token_hex(4)}:"
        self._seq = itertools.count()

    async def chat_turn(self, chat: int | str, lane: Lane = Lane.INTERACTIVE) -> float:
        limits = self.limits
        private = is_private(chat)
        args: list[Any] = [
            self._now(),
            "p" if private else "g",
            _us(limits.chat_interval if private else limits.group_period),
            limits.chat_burst if private else limits.group_limit,
        ]
        keys = [self._key("chat", chat), self._key("hold", chat)]
        if lane is Lane.BROADCAST:
            async with self._broadcast_calls:  # thousands may be queued at once
                answer = await self._run(self._chat_turn, keys, args)
        else:
            answer = await self._run(self._chat_turn, keys, args)
        if answer is None:
            return await self._fallback.chat_turn(chat, lane)
        return int(answer[0]) / _US

    async def chat_held(self, chat: int | str) -> float:
        answer = await self._run(self._chat_held, [self._key("hold", chat)], [self._now()])
        if answer is None:
            return await self._fallback.chat_held(chat)
        return int(answer) / _US

    async def bot_turn(self, lane: Lane) -> Turn:
        limits = self.limits
        keys = [self._key("bot"), self._key("hold"), self._key("hold", "b"), self._key("i")]
        member = f"{self._member}{next(self._seq)}"
        args: list[Any] = [
            self._now(),
            "b" if lane is Lane.BROADCAST else "i",
            limits.per_second,
            _us(span(limits)),
            limits.reserve,
            _us(limits.linger),
            member,
        ]
        answer = await self._run(self._bot_turn, keys, args)
        if answer is None:
            return await self._fallback.bot_turn(lane)
        granted, wait, now = (int(value) for value in answer)
        return Turn(granted == 1, wait / _US, now / _US, member)

    async def sent(self, turn: Turn) -> None:
        if not turn.ticket:  # granted by the in-process fallback
            await self._fallback.sent(turn)
            return
        args = [self._now(), _us(span(self.limits)), turn.ticket]
        await self._run(self._sent, [self._key("bot")], args)

    async def hold(self, chat: int | str | None, seconds: float) -> None:
        await self._fallback.hold(chat, seconds)  # kept here too, in case Redis is away
        keys = (
            [self._key("hold")]
            if chat is None
            else [self._key("hold", chat), self._key("hold", "b")]
        )
        await self._run(self._hold, keys, [self._now(), _us(seconds)])

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(part) for part in parts)])

    def _now(self) -> str:
        return "" if self._clock is None else str(_us(self._clock()))

    async def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        """The script's answer, or None while Redis is unreachable (the fallback paces)."""
        if self._redis_again > self._fallback_clock():
            return None
        try:
            try:
                answer = await script(keys=keys, args=args)
            except RedisTimeout:  # this process's event loop may have been too busy: again
                answer = await script(keys=keys, args=args)
        except (RedisError, OSError) as error:
            if not self._redis_again:
                log.warning(
                    "flood budget: Redis unreachable (%s); pacing this process alone",
                    type(error).__name__,
                )
                # The last window's turns are in Redis: the first here waits it out.
                await self._fallback.hold(None, span(self.limits))
            self._redis_again = self._fallback_clock() + RETRY_REDIS_AFTER
            return None
        if self._redis_again:
            log.info("flood budget: Redis reachable again; the budget is shared")
            self._redis_again = 0.0
        return answer


def redis_budget(url: str, bot_id: str, limits: Limits | None = None) -> RedisBudget:
    """The budget every process of bot `bot_id` shares through the Redis at `url`."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=CONNECTIONS,
        timeout=5.0,
        socket_connect_timeout=5.0,
        socket_timeout=5.0,
    )
    client = Redis(connection_pool=pool)
    return RedisBudget(client, f"astracrm:flood:{{{bot_id}}}", limits)


def _us(seconds: float) -> int:
    return round(seconds * _US)
