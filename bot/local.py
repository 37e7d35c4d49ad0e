"""The real bot talking over HTTP to an in-process Telegram Bot API emulator.

Used by the end-to-end tests and by the sandbox: the same `Application`, handlers, services
and database as production, with only the Bot API base URL pointing at 127.0.0.1.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from telegram import Update

from bot.admin.server import (
    AdminServer,
    start_admin,
    start_webhook,
    webhook_secret,
    with_admin_port,
)
from bot.app import CrmApplication, build_application
from bot.container import Container, build_container
from bot.settings import Settings
from core.ports import Clock
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage import migrate

SANDBOX_TOKEN = "123456789:SANDBOX-local-emulator-token"
SANDBOX_BOT = "astracrm_bot"


def new_emulator() -> TelegramEmulator:
    return TelegramEmulator(SANDBOX_TOKEN, bot_first_name="AstraCRM", bot_username=SANDBOX_BOT)


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
        self.admin: AdminServer | None = None
        if server is not None:
            emulator = server.emulator
        self.emulator = emulator or new_emulator()
        self.server = server or EmulatorServer(self.emulator, port=port)
        self._clock = clock
        self._poll_timeout = poll_timeout
        self.container: Container | None = None
        self.app: CrmApplication | None = None

    async def start(self) -> None:
        migrate.upgrade(self.settings.database_url)
        await self.server.start()
        await self.start_bot()

    async def start_bot(self) -> None:
        """Build and start the bot alone (the emulator keeps running across restarts)."""
        self.container = build_container(self.settings, self._clock)
        app = build_application(
            self.container,
            self.emulator.token,
            self.server.api_base_url,
            self.server.file_base_url,
            rate_limit=self.emulator.rate_limits,  # flood control on both sides, or neither
            polling=not self.webhook,
        )
        await app.initialize()
        if app.post_init is not None:  # run_polling would call it; we start the parts by hand
            await app.post_init(app)
        await app.start()
        self.app = app
        await self._start_admin(app)
        if app.updater is not None:
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=int(self._poll_timeout),
                allowed_updates=Update.ALL_TYPES,
            )

    async def _start_admin(self, app: CrmApplication) -> None:
        if self.settings.admin_port is None or self.container is None:
            return
        secret = webhook_secret(self.settings) if self.webhook else None
        self.admin = await start_admin(self.container, app, secret)
        if secret is not None:
            await start_webhook(app, self.container.services.admin.public_url, secret)

    async def stop_bot(self) -> None:
        admin, self.admin = self.admin, None
        if admin is not None:
            await admin.stop()
        app, self.app = self.app, None
        if app is not None:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
            await app.shutdown()
        if self.container is not None:
            await self.container.close()
            self.container = None

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
