"""`astracrm worker`: background jobs (and the scheduler) without serving Telegram updates, so
several bot processes can take webhooks while workers share the durable job queue."""

from __future__ import annotations

import asyncio

from bot.process import Role
from bot.runner import serve
from bot.settings import Settings


async def serve_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """The worker role of the composition root (bot/process.py) until `stop` or a signal."""
    await serve(settings, Role.WORKER, stop)
