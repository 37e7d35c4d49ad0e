"""The real bot talking over HTTP to an in-process Telegram Bot API emulator.

Used by the end-to-end tests and by the sandbox: the same `Application`, handlers, services
and database as production, with only the Bot API base URL pointing at 127.0.0.1.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from bot.admin.server import AdminServer, with_admin_port
from bot.app import CrmApplication
from bot.container import Container
from bot.process import BotApi, Process, Role, build_process
from bot.settings import Settings
from core.ports import Clock
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage import migrate

SANDBOX_TOKEN = "123456789:SANDBOX-local-emulator-token"
SANDBOX_BOT = "astracrm_bot"


def new_emulator(clock: Clock | None = None) -> TelegramEmulator:
    """The emulator; with `clock`, the dates Telegram puts on messages follow the bot's clock
    (Telegram's servers and the bot share one time; a test's bot lives on its own clock)."""
    wall = (lambda: clock.now().timestamp()) if clock is not None else None
    return TelegramEmulator(
        SANDBOX_TOKEN, bot_first_name="AstraCRM", bot_username=SANDBOX_BOT, wall_clock=wall
    )


class LocalBot:
    def __init__(
        self,
        settings: Settings,
        emulator: TelegramEmulator | None = None,
        port: int = 0,
        clock: Clock | None = None,
        poll_timeout: float = 1.0,
        server: EmulatorServer | None = None,
        webhook: bool = False,
    ) -> None:
        """With ADMIN_PORT set (0: any free port) the admin endpoint runs too; `webhook`
        feeds the bot through its webhook route instead of long polling."""
        if webhook and settings.admin_port is None:
            settings = settings.model_copy(update={"admin_port": 0})
        self.settings = with_admin_port(settings)
        self.webhook = webhook
        if server is not None:
            emulator = server.emulator
        self.emulator = emulator or new_emulator(clock)
        self.server = server or EmulatorServer(self.emulator, port=port)
        self._clock = clock
        self._poll_timeout = poll_timeout
        self.process: Process | None = None

    @property
    def container(self) -> Container | None:
        return self.process.container if self.process is not None else None

    @property
    def app(self) -> CrmApplication | None:
        return self.process.app if self.process is not None else None

    @property
    def admin(self) -> AdminServer | None:
        return self.process.admin if self.process is not None else None

    async def start(self) -> None:
        migrate.upgrade(self.settings.database_url)
        await self.server.start()
        await self.start_bot()

    async def start_bot(self) -> None:
        """Build and start the bot alone (the emulator keeps running across restarts)."""
        api = BotApi(
            self.emulator.token,
            self.server.api_base_url,
            self.server.file_base_url,
            flood_control=self.emulator.rate_limits,  # on both sides, or neither
        )
        self.process = build_process(
            self.settings,
            Role.WEBHOOK if self.webhook else Role.POLLING,
            api,
            self._clock,
            admin=self.settings.admin_port is not None,
            poll_timeout=int(self._poll_timeout),
        )
        await self.process.start()

    async def stop_bot(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            await process.stop()

    async def restart_bot(self) -> None:
        """Stop the bot process's state entirely and start a fresh one on the same database."""
        await self.stop_bot()
        await self.start_bot()

    async def stop(self) -> None:
        await self.stop_bot()
        await self.server.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
