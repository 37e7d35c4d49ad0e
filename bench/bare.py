"""The updates benchmark's shared harness (a Probe that times each update, the throughput and
latency measurement) and the bare python-telegram-bot bot it compares our bot with."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    MessageHandler,
    filters,
)

from bench.report import percentiles
from bench.traffic import Action, push_update
from bot.telegram_request import HttpClient, build_request
from sandbox.emulator import EmulatorServer, TelegramEmulator

BARE_CONCURRENCY = 8


class Probe:
    """Wraps an Application's process_update to time each update from push to done."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.pushed: dict[int, float] = {}
        self.done: dict[int, float] = {}
        self.finished = asyncio.Event()
        self.expected = 0
        inner = app.process_update

        async def timed(update: object) -> None:
            await inner(update)
            if isinstance(update, Update):
                self.done[update.update_id] = time.perf_counter()
                if len(self.done) >= self.expected:
                    self.finished.set()

        app.process_update = timed  # type: ignore[method-assign]

    def reset(self, expected: int) -> None:
        self.pushed.clear()
        self.done.clear()
        self.expected = expected
        self.finished.clear()

    def latencies_ms(self) -> list[float]:
        return [(self.done[u] - t) * 1000 for u, t in self.pushed.items() if u in self.done]


async def measure(
    probe: Probe, emulator: TelegramEmulator, traffic: Any, count: int, rate: float, seconds: float
) -> dict[str, Any]:
    """Throughput: `count` updates pushed at once; latency: `rate` updates/s for `seconds`."""
    probe.reset(count)
    start = time.perf_counter()
    for _ in range(count):
        push(probe, emulator, next(traffic))
    await asyncio.wait_for(probe.finished.wait(), 600)
    throughput = count / (time.perf_counter() - start)
    offered = max(1, int(rate * seconds))
    probe.reset(offered)
    for _ in range(offered):
        push(probe, emulator, next(traffic))
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(probe.finished.wait(), 600)
    return {"throughput": round(throughput, 1), "latency_ms": percentiles(probe.latencies_ms())}


def push(probe: Probe, emulator: TelegramEmulator, action: Action) -> None:
    probe.pushed[push_update(emulator, action)] = time.perf_counter()


def bare_app(
    emulator: TelegramEmulator,
    server: EmulatorServer,
    client: HttpClient,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """With httpx, PTB's defaults untouched (the stock bot); with aiohttp, the same pool
    sizes PTB's defaults use (256, and 1 for getUpdates); `rate_limiter` as given."""
    builder = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(server.api_base_url)
        .base_file_url(server.file_base_url)
        .concurrent_updates(BARE_CONCURRENCY)
    )
    if client != "httpx":
        builder = builder.request(build_request(client, 256)).get_updates_request(
            build_request(client, 1)
        )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    return builder.build()


async def run_bare(client: HttpClient, count: int, rate: float, seconds: float) -> dict[str, Any]:
    """A bot that answers every message with a fixed text, on its own emulator."""
    emulator = TelegramEmulator("42:BARE-BOT-TOKEN-abcdefghijklmnop", bot_username="bare_bot")
    async with EmulatorServer(emulator) as server:
        app = bare_app(emulator, server, client)

        async def answer(update: Update, _context: Any) -> None:
            assert update.effective_chat is not None
            await update.effective_chat.send_message("ok")

        app.add_handler(MessageHandler(filters.ALL, answer))
        probe = Probe(app)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            users = [emulator.user(100 + i, f"U{i}") for i in range(4)]
            traffic = (("text", users[i % 4].id, "hello") for i in itertools.count())
            result = await measure(probe, emulator, traffic, count, rate, seconds)
            await app.updater.stop()
            await app.stop()
        return result
