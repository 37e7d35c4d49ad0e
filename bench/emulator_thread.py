"""Telegram emulators served from a thread of their own, so a bot's CPU can be told apart from
the emulator's: the process's CPU time minus this thread's is the bot's.

The emulator's state belongs to its thread's event loop: everything that touches it (pushing
updates, reading chats) goes through `call`, which runs a function there and hands the result
back to the bot's loop.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from sandbox.emulator import EmulatorServer, TelegramEmulator

T = TypeVar("T")


class EmulatorThread:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="bench-emulator", daemon=True)
        self._servers: list[EmulatorServer] = []

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    async def __aenter__(self) -> EmulatorThread:
        self._thread.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for server in self._servers:
            await self.wait(server.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join, 10)
        self._loop.close()

    async def wait(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the emulator's loop; its result."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return await asyncio.wrap_future(future)

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Call `function(*args)` on the emulator's loop; its result."""

        async def run() -> T:
            return function(*args)

        return await self.wait(run())

    async def serve(self, emulator: TelegramEmulator) -> EmulatorServer:
        """`emulator` over HTTP, served from this thread until the thread is left."""
        server = EmulatorServer(emulator)
        await self.wait(server.start())
        self._servers.append(server)
        return server

    async def cpu_seconds(self) -> float:
        """CPU time this thread has used so far."""
        return await self.call(time.thread_time)
