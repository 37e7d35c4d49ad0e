"""Process entry for `astracrm run` (long polling or a webhook) and `astracrm worker`: the
schema brought up to date, the process built by the composition root (bot/process.py) and
served until SIGINT, SIGTERM or SIGABRT, everything closed."""

from __future__ import annotations

import asyncio

from bot.process import Role, build_process, stop_on_signals
from bot.settings import Settings
from storage import migrate


def run(settings: Settings, role: Role) -> None:
    asyncio.run(serve(settings, role))


async def serve(settings: Settings, role: Role, stop: asyncio.Event | None = None) -> None:
    """Until `stop` is set (by default: a stop signal)."""
    migrate.upgrade(settings.database_url)
    process = build_process(settings, role)
    await process.serve(stop or stop_on_signals())
