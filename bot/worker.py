"""`astracrm worker`: background jobs (and the scheduler) without serving Telegram updates, so
several bot processes can take webhooks while workers share the durable job queue."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.background import Background
from bot.container import build_container
from bot.settings import Settings
from bot.telegram_bot import build_bot
from storage import migrate


async def serve_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    assert settings.telegram_bot_token is not None
    migrate.upgrade(settings.database_url)
    container = build_container(settings)
    token = settings.telegram_bot_token.get_secret_value()
    bot = build_bot(settings, token, 8, metrics=container.metrics)
    stop = stop or _stop_on_signals()
    async with bot:
        background = Background(container, bot)
        background.start()
        try:
            await stop.wait()
        finally:
            await background.stop()
            await container.close()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
