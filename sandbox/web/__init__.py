"""The sandbox web chat: try every flow of the bot in a browser, as several personas.

`build_sandbox_app(emulator)` serves the page, its JSON API and live events (`/api/events`) next
to the emulator's Bot API routes, so the bot and the browser share one port:

    emulator = TelegramEmulator(token, bot_username="astracrm_bot")
    async with SandboxServer(emulator, port=8080, world_path=Path("data/sandbox.json")):
        ...  # point the bot at http://127.0.0.1:8080/bot and open http://127.0.0.1:8080/

`save_world` / `load_world` keep personas, chats and files on disk; `WorldAutosave` saves after
changes (at most once a second) and on stop.
"""

from sandbox.web.app import build_sandbox_app, hub_of
from sandbox.web.hub import ChatHub
from sandbox.web.persist import WorldAutosave, load_world, save_world
from sandbox.web.sanitize import telegram_html
from sandbox.web.server import SandboxServer

__all__ = [
    "ChatHub",
    "SandboxServer",
    "WorldAutosave",
    "build_sandbox_app",
    "hub_of",
    "load_world",
    "save_world",
    "telegram_html",
]
