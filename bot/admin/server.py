"""Running the admin endpoint with uvicorn in the bot's own event loop, and running the bot
in webhook mode (no Updater: Telegram POSTs updates to the admin endpoint)."""

from __future__ import annotations

import logging
import random
import secrets
import socket
from pathlib import Path

from telegram import Update

from bot.admin.app import build_admin_app
from bot.admin.wiring import DEFAULT_ADMIN_PORT
from bot.app import CrmApplication
from bot.container import Container
from bot.settings import Settings
from sandbox.emulator.server import AsgiServer

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")


class AdminServer(AsgiServer):
    """uvicorn (h11, no lifespan, no signal handlers) serving the admin app in this loop.
    uvicorn's own X-Forwarded-For handling is off: the app reads it for trusted proxies
    only (TRUSTED_PROXIES, bot/client_ip.py)."""

    proxy_headers = False


def free_port(host: str) -> int:
    """A port nothing listens on now, outside the kernel's ephemeral range when it can be
    read: a port from that range may be taken by any outgoing connection between this pick
    and the bind (a database or HTTP client of this or another process)."""
    low = _ephemeral_low()
    for _ in range(50):
        port = random.randrange(10_000, low) if low > 10_001 else 0
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError(f"no free port on {host}")


def _ephemeral_low() -> int:
    try:
        return int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def with_admin_port(settings: Settings) -> Settings:
    """Port 0 means "any free one": pick it now, so links and the bank's notification URL
    can name it before anything is built."""
    if settings.admin_port != 0:
        return settings
    port = free_port(settings.admin_host)
    update: dict[str, object] = {"admin_port": port}
    if not settings.public_base_url:
        update["public_base_url"] = f"http://{settings.admin_host}:{port}"
    return settings.model_copy(update=update)


async def start_admin(
    container: Container,
    telegram_app: CrmApplication | None = None,
    webhook_secret: str | None = None,
) -> AdminServer:
    settings = container.settings
    port = DEFAULT_ADMIN_PORT if settings.admin_port is None else settings.admin_port
    app = build_admin_app(container, telegram_app, webhook_secret)
    server = AdminServer(app, port=port, host=settings.admin_host)
    await server.start()
    await container.services.billing.schedule_tick()
    log.info("admin endpoint on %s", server.url)
    return server


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a fresh one: we give it to Telegram ourselves at start."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    return secrets.token_urlsafe(32)


async def start_webhook(app: CrmApplication, public_url: str, secret: str) -> None:
    """Tell Telegram where to POST updates, with the secret it must send back."""
    await app.bot.set_webhook(
        f"{public_url}{WEBHOOK_PATH}",
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
