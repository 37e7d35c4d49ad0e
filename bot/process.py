"""The composition root: every process (`astracrm run`, `run --webhook`, `worker`, the sandbox
and the end-to-end tests' bots) is built here, from its settings and its role.

`build_process` builds, once per process and in this order: the container (engine, HTTP
clients, unit of work, every core service: bot/container.py), the bot that sends (our ExtBot
with Telegram's flood limits: bot/telegram_bot.py), the job registry (bot/jobs.py), the job
runners with the scheduler (bot/background.py) and, for the bot roles, the python-telegram-bot
Application around that same bot (bot/app.py). `Process.start` and `Process.stop` bring them up
and down in one order for every role; the admin endpoint (bot/admin) starts with a bot role,
and with it the inbound SMTP server for clients' e-mail answers when INBOUND_MAIL_DOMAIN is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass
from enum import StrEnum

from telegram import Update

from bot.admin.server import (
    AdminServer,
    start_admin,
    start_webhook,
    webhook_secret,
    with_admin_port,
)
from bot.app import CrmApplication, build_application
from bot.background import Background
from bot.container import Container, build_container
from bot.fleet import Fleet
from bot.fleet_parts import Hooks
from bot.inbound_mail import start_inbound_mail
from bot.jobs import job_registry
from bot.ownbot import refusal_teller
from bot.settings import Settings
from bot.telegram_bot import TolerantBot, build_bot
from core.ports import Clock
from integrations.inbound_mail import InboundMailServer

WORKER_POOL = 8  # HTTP connections of a worker's bot: its senders wait on the rate limit
POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits (python-telegram-bot's default)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


class Role(StrEnum):
    POLLING = "polling"  # astracrm run: long polling, the admin endpoint, jobs, scheduler
    WEBHOOK = "webhook"  # astracrm run --webhook: updates POSTed to the admin endpoint
    WORKER = "worker"  # astracrm worker: jobs and the scheduler only


@dataclass(frozen=True, slots=True)
class BotApi:
    """Where the process reaches the Bot API: Telegram, or the sandbox's emulator."""

    token: str
    base_url: str | None = None  # None: TELEGRAM_API_BASE_URL
    file_url: str | None = None  # None: TELEGRAM_FILE_BASE_URL
    flood_control: bool = True  # Telegram's limits kept on our side

    @classmethod
    def of(cls, settings: Settings) -> BotApi:
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        return cls(settings.telegram_bot_token.get_secret_value())


class Process:
    """One process's parts, started and stopped in one order whatever its role."""

    def __init__(
        self,
        role: Role,
        container: Container,
        bot: TolerantBot,
        background: Background,
        app: CrmApplication | None,
        *,
        admin: bool,
        poll_timeout: int,
        fleet: Fleet | None = None,
    ) -> None:
        """`fleet`: the own bots; a worker sends through them (the application of the bot
        roles starts and stops it)."""
        self.role = role
        self.fleet = fleet
        self.container = container
        self.bot = bot
        self.background = background
        self.app = app
        self.admin: AdminServer | None = None
        self.inbound_mail: InboundMailServer | None = None  # clients' answers to e-mails
        self._serves_admin = admin
        self._poll_timeout = poll_timeout

    async def start(self) -> None:
        """Worker: the runners. Bot: the application (its post_init replays the inbox, starts
        the runners and sets the menus), then the admin endpoint, then the updates flow in."""
        app = self.app
        if app is None:
            await self.bot.initialize()
            if self.fleet is not None:
                await self.fleet.start()
            self.background.start()
            return
        secret = webhook_secret(self.container.settings) if self.role is Role.WEBHOOK else None
        if secret is not None:  # the own bots get webhooks of their own (bot/fleet.py)
            app.fleet.hooks = Hooks(self.container.services.admin.public_url, secret)
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        if self._serves_admin:
            self.admin = await start_admin(self.container, app, secret)
            self.inbound_mail = await start_inbound_mail(self.container)
            if secret is not None:
                await start_webhook(app, self.container.services.admin.public_url, secret)
        if app.updater is not None:
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=self._poll_timeout,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )

    async def stop(self) -> None:
        """The reverse, whatever part of `start` was reached; the container closes last."""
        try:
            inbound, self.inbound_mail = self.inbound_mail, None
            if inbound is not None:
                await inbound.stop()
            admin, self.admin = self.admin, None
            if admin is not None:
                await admin.stop()
            if self.app is None:
                await self.background.stop()
                if self.fleet is not None:
                    await self.fleet.stop()
                await self.bot.shutdown()
            else:
                await _stop_application(self.app)
        finally:
            await self.container.close()

    async def serve(self, stop: asyncio.Event) -> None:
        try:
            await self.start()
            await stop.wait()
        finally:
            await self.stop()


async def _stop_application(app: CrmApplication) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop is not None:  # the job runners stop
        await app.post_stop(app)
    await app.shutdown()


def build_process(
    settings: Settings,
    role: Role,
    api: BotApi | None = None,
    clock: Clock | None = None,
    *,
    admin: bool = True,
    poll_timeout: int = POLL_TIMEOUT,
) -> Process:
    """`api`: the Bot API of the settings unless given (the sandbox's emulator); `admin`: the
    admin endpoint with a bot role (always with webhooks: updates arrive there)."""
    api = api or BotApi.of(settings)
    admin = role is Role.WEBHOOK or (admin and role is Role.POLLING)
    if admin:  # ADMIN_PORT=0: the port is picked now, so links name the one that is bound
        settings = with_admin_port(settings)
    container = build_container(settings, clock)
    pool = WORKER_POOL if role is Role.WORKER else max(8, settings.concurrent_updates * 2)
    bot = build_bot(
        settings,
        api.token,
        pool,
        api.flood_control,
        api.base_url,
        api.file_url,
        metrics=container.metrics,
    )
    fleet = Fleet(container, bot, poll_timeout=poll_timeout, flood_control=api.flood_control)
    fleet.on_refused = refusal_teller(container, bot)
    background = Background(container, job_registry(container, bot, fleet))
    app = None
    if role is not Role.WORKER:
        app = build_application(
            container, bot, background, polling=role is Role.POLLING, fleet=fleet
        )
    return Process(
        role, container, bot, background, app, admin=admin, poll_timeout=poll_timeout,
        fleet=fleet,
    )  # fmt: skip


def stop_on_signals() -> asyncio.Event:
    """Set on SIGINT, SIGTERM or SIGABRT: the process stops cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
