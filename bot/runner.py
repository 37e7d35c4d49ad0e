"""Process entry for the bot: build everything, run it with long polling or a webhook, serve
the admin endpoint in the same event loop, close everything."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from telegram import Update

from bot.admin.server import AdminServer, start_admin, start_webhook, webhook_secret
from bot.app import build_application
from bot.container import build_container
from bot.settings import Settings


def run_polling(settings: Settings) -> None:
    assert settings.telegram_bot_token is not None
    container = build_container(settings)
    app = build_application(container, settings.telegram_bot_token.get_secret_value())
    servers: list[AdminServer] = []
    started = app.post_init

    async def post_init(_app: Any) -> None:
        if started is not None:
            await started(_app)
        servers.append(await start_admin(container, _app))

    async def close(_app: Any) -> None:
        for server in servers:
            await server.stop()
        await container.close()

    app.post_init = post_init
    app.post_shutdown = close
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


def run_webhook(settings: Settings) -> None:
    """No long polling: Telegram POSTs updates to {PUBLIC_BASE_URL}/telegram/webhook."""
    asyncio.run(_serve_webhook(settings))


async def _serve_webhook(settings: Settings) -> None:
    assert settings.telegram_bot_token is not None
    container = build_container(settings)
    app = build_application(
        container, settings.telegram_bot_token.get_secret_value(), polling=False
    )
    secret = webhook_secret(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        async with app:
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            server = await start_admin(container, app, secret)
            await start_webhook(app, container.services.admin.public_url, secret)
            await stop.wait()
            await server.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await container.close()
