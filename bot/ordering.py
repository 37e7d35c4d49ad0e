"""Concurrent updates across chats, but one at a time within a chat.

A person's taps and messages must be applied in the order they were sent (a double tap must
see the first tap's result), while different people are served concurrently. An update
waiting for its chat's turn holds none of the `max_concurrent_updates` slots (so one busy
person never stalls everyone else), and `arrival` runs for every update the moment it
arrives, before any waiting: that is where a tapped button gets its answer at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

Arrival = Callable[[object], AbstractAsyncContextManager[None]]
_UNBOUNDED = 1 << 20  # the base class's own semaphore: never the limit here


@contextlib.asynccontextmanager
async def _no_arrival(update: object) -> AsyncIterator[None]:
    yield


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, arrival: Arrival = _no_arrival) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("`max_concurrent_updates` must be a positive integer!")
        self._limit = _UNBOUNDED  # what the base class sizes its own semaphore by
        super().__init__(_UNBOUNDED)
        self._limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._running = 0
        self._arrival = arrival
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @property
    def max_concurrent_updates(self) -> int:
        return self._limit

    @property
    def current_concurrent_updates(self) -> int:
        return self._running

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._arrival(update):
            key = _chat_key(update)
            if key is None:
                await self._run(coroutine)
                return
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    await self._run(coroutine)
            finally:
                self._waiting[key] -= 1
                if self._waiting[key] == 0:
                    del self._waiting[key]
                    del self._locks[key]

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            self._running += 1
            try:
                await coroutine
            finally:
                self._running -= 1

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
