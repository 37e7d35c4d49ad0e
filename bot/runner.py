"""Process entry for the bot: build everything, run long polling, close everything."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.app import build_application
from bot.container import build_container
from bot.settings import Settings


def run_polling(settings: Settings) -> None:
    assert settings.telegram_bot_token is not None
    container = build_container(settings)
    app = build_application(container, settings.telegram_bot_token.get_secret_value())

    async def close(_app: Any) -> None:
        await container.close()

    app.post_shutdown = close
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
