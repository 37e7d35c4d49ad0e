"""`astracrm sandbox`: the real bot, the Telegram emulator and the web chat on one port.

Nothing to sign up for: open the printed address, add personas, and use every flow. The
sandbox keeps its own SQLite database, files folder and chat history under SANDBOX_DIR, never
mixed with a real bot's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from bot.local import LocalBot, new_emulator
from bot.logs import configure_logging
from bot.settings import Settings
from sandbox.web import SandboxServer


def sandbox_settings(settings: Settings) -> Settings:
    folder = settings.sandbox_dir
    return settings.model_copy(
        update={
            "telegram_bot_token": None,
            "database_url": f"sqlite:///{folder / 'sandbox.db'}",
            "files_dir": folder / "files",
        }
    )


def run_sandbox(settings: Settings, demo: bool = False) -> int:
    configure_logging(settings.log_level)
    try:
        asyncio.run(_serve(sandbox_settings(settings), demo))
    except OSError as error:
        print(
            f"sandbox: cannot listen on port {settings.sandbox_port}: {error.strerror} "
            "(set SANDBOX_PORT to another port)",
            file=sys.stderr,
        )
        return 2
    return 0


async def _serve(settings: Settings, demo: bool) -> None:
    folder: Path = settings.sandbox_dir
    folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, at start-up
    server = SandboxServer(
        new_emulator(), port=settings.sandbox_port, world_path=folder / "world.json"
    )
    async with LocalBot(settings, server=server) as local:
        if demo:
            from bot.demo import seed_demo

            summary = await seed_demo(local)
            print(summary)
        print(f"AstraCRM sandbox: open {server.url}/ (Ctrl+C stops)", flush=True)
        await _until_stopped()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
