"""A local Telegram Bot API emulator for tests and the sandbox web chat.

`TelegramEmulator` holds the world and implements the methods; `EmulatorServer` serves it over
HTTP for python-telegram-bot; `UserDriver` acts as a human user; `BotMessage` is what they see.

    emulator = TelegramEmulator()
    async with EmulatorServer(emulator) as server:
        app = (ApplicationBuilder().token(emulator.token).base_url(server.api_base_url)
               .base_file_url(server.file_base_url).build())
        olga = emulator.user(id=1001, first_name="Olga", language_code="ru")
        ...  # start polling (or set a webhook), then:
        await olga.send("/start")
        assert (await olga.reply()).text == "..."
"""

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.errors import BotApiError
from sandbox.emulator.events import Event, Seen
from sandbox.emulator.ratelimit import RateLimits
from sandbox.emulator.reading import ScenarioError
from sandbox.emulator.scenario import UserDriver
from sandbox.emulator.server import AsgiServer, EmulatorServer, build_app
from sandbox.emulator.views import BotMessage

__all__ = [
    "AsgiServer",
    "BotApiError",
    "BotMessage",
    "EmulatorServer",
    "Event",
    "RateLimits",
    "ScenarioError",
    "Seen",
    "TelegramEmulator",
    "UserDriver",
    "build_app",
]
