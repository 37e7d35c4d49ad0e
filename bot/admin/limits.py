"""Request budgets of the public intake and /api/v1 shared by every process of a deployment
(docs/rate-limits.md, "The admin endpoint's limits").

A budget allows `limit` hits per `window` seconds per key (an address, an organization, an
API key): a sliding log, kept in this process (`LocalWindow`) or, with REDIS_URL, in Redis
for all processes (`RedisWindow`), as one atomic Lua script timed by Redis's own clock, like
the flood budget (bot/flood_redis.py). A refusal says how long until the next hit would be
allowed (Retry-After). If Redis cannot be reached, this process counts alone for a few
seconds (a warning is logged) and then asks Redis again: a blip never refuses everyone."""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "astracrm:limit:"
RETRY_REDIS_AFTER = 5.0
_US = 1_000_000

# KEYS: the key's log (a sorted set of hit times). ARGV: now in microseconds ("": Redis's
# TIME), window in microseconds, limit, a unique member. Answers 0 (the hit is counted) or
# the microseconds until the oldest hit leaves the window.
WINDOW_HIT = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local window, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""


class Window(Protocol):
    limit: int
    window: float

    async def take(self, key: str) -> float | None:
        """None: the hit is allowed (and counted); else seconds until one would be."""
        ...


def retry_after(wait: float) -> str:
    """A Retry-After header's whole seconds (at least 1)."""
    return str(max(1, math.ceil(wait)))


class LocalWindow:
    """At most `limit` hits per `window` seconds per key, in this process."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window = limit, window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    async def take(self, key: str) -> float | None:
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys rather than grow without bound
            self._hits = {k: v for k, v in self._hits.items() if v}
        return None


class RedisWindow:
    """The same budget in Redis, one for every process; `name` (the keys' prefix) keeps
    budgets apart."""

    def __init__(
        self,
        client: Redis,
        name: str,
        limit: int,
        window: float = 60.0,
        now: Callable[[], float] | None = None,
    ) -> None:
        """`now`: seconds for the script instead of Redis's TIME (tests)."""
        self.limit, self.window = limit, window
        self._client, self._name, self._now = client, name, now
        self._script = client.register_script(WINDOW_HIT)
        self._fallback = LocalWindow(limit, window)
        self._redis_again = 0.0

    async def take(self, key: str) -> float | None:
        if self._redis_again and time.monotonic() < self._redis_again:
            return await self._fallback.take(key)
        now = "" if self._now is None else str(round(self._now() * _US))
        args: list[str | int] = [now, round(self.window * _US), self.limit, secrets.token_hex(8)]
        try:
            wait = int(await self._script(keys=[f"{self._name}:{key}"], args=args))
        except (RedisError, OSError):
            log.warning("request limits: Redis unreachable; this process counts alone")
            self._redis_again = time.monotonic() + RETRY_REDIS_AFTER
            return await self._fallback.take(key)
        if self._redis_again:
            log.info("request limits: Redis reachable again; the budgets are shared")
            self._redis_again = 0.0
        return None if wait == 0 else wait / _US


class Windows:
    """The budgets of one app, made once per name: in Redis when `client` is given."""

    def __init__(self, client: Redis | None, prefix: str = PREFIX) -> None:
        self.client, self.prefix = client, prefix
        self._made: dict[str, Window] = {}

    def get(self, name: str, limit: int, window: float = 60.0) -> Window:
        found = self._made.get(name)
        if found is None:
            found = self._made[name] = (
                LocalWindow(limit, window)
                if self.client is None
                else RedisWindow(self.client, f"{self.prefix}{name}", limit, window)
            )
        return found


def windows(redis_url: str | None) -> Windows:
    """Budgets in the Redis at `redis_url` (short timeouts: a slow Redis must not hold a
    request long), or in this process."""
    if redis_url is None:
        return Windows(None)
    client = Redis.from_url(redis_url, socket_connect_timeout=1.0, socket_timeout=1.0)
    return Windows(client)
