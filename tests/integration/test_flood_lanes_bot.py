"""Scheduled messages go in the broadcast lane of our bot's rate limiter, replies in the
interactive one, and /metrics counts the messages sent per lane; a bot without our limiter
(a plain `Bot`, or `rate_limit=False`) is given no lane at all."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.flood import Lane
from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram_bot import build_bot
from handlers.client_loop.client_bot import SharedOnly
from handlers.delivery.lanes import BROADCAST, broadcast
from handlers.jobs import _send
from handlers.notifications.digests import send
from sandbox.emulator import EmulatorServer, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def server():
    async with EmulatorServer(TelegramEmulator(TOKEN, rate_limits=True)) as running:
        yield running


def sent(metrics: Metrics, lane: str) -> float | None:
    return metrics.registry.get_sample_value("astracrm_messages_sent_total", {"lane": lane})


async def test_scheduled_messages_are_broadcasts_and_replies_interactive(server):
    for chat in (601, 602, 603):
        server.emulator.user(chat, "Olga")
    metrics = Metrics()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bot = build_bot(
        settings, TOKEN, 4, True, server.api_base_url, server.file_base_url, metrics=metrics
    )
    await bot.initialize()
    try:
        unused = None  # services: only for a person who blocked the bot
        await send(SharedOnly(bot), unused, 601, "digest", None)  # type: ignore[arg-type]
        await _send(bot, 602, "album saved")
        await bot.send_message(603, "a reply")
    finally:
        await bot.shutdown()
    assert sent(metrics, "broadcast") == 2.0
    assert sent(metrics, "interactive") == 1.0
    assert server.emulator.stats.sent == 3


def test_a_bot_without_our_limiter_gets_no_lane():
    assert Lane(BROADCAST) is Lane.BROADCAST
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert broadcast(Bot(TOKEN)) == {}
    assert broadcast(build_bot(settings, TOKEN, 4, rate_limit=False)) == {}
    assert broadcast(build_bot(settings, TOKEN, 4)) == {"rate_limit_args": {"lane": "broadcast"}}
