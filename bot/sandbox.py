"""`astracrm sandbox`: the real bot, the Telegram emulator and the web chat on one port, and
the admin pages (settings, billing) on the next one, so /admin's sign-in link works.

Nothing to sign up for: open the printed address, add personas, and use every flow. The
sandbox keeps its own SQLite database, files folder, chat history and keys under SANDBOX_DIR,
never mixed with a real bot's data.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from bot.local import LocalBot, new_emulator
from bot.logs import configure_logging
from bot.process import stop_on_signals
from bot.settings import Settings
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms_ru import SmsRuPeer
from sandbox.peers.tbank_terminal import FakeTBankTerminal
from sandbox.web import SandboxServer
from sandbox.web.outside import OutsideApi
from storage.secrets import FernetSecretBox

# Keys a deployment must set; the sandbox makes its own once and keeps them in SANDBOX_DIR.
SANDBOX_KEYS: dict[str, tuple[str, Callable[[], str]]] = {
    "encryption_key": ("encryption.key", FernetSecretBox.generate_key),
    "secret_key": ("secret.key", lambda: secrets.token_urlsafe(32)),
}
UVICORN_STARTUP_FAILURE = 3
SANDBOX_SMS_KEY = "sandbox-sms-ru"  # the api_id the sandbox's SMS.ru takes
# the demo organization's own T-Bank terminal for clients' payments (key, password): the
# sandbox's local T-Bank, whose payment page has a button that pays
SANDBOX_TERMINAL = ("SandboxTerminal", "sandbox-terminal-password")
KEY_COMMAND = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def sandbox_settings(settings: Settings) -> Settings:
    folder = settings.sandbox_dir
    return settings.model_copy(
        update={
            "telegram_bot_token": None,
            "database_url": f"sqlite:///{folder / 'sandbox.db'}",
            "files_dir": folder / "files",
            "admin_port": admin_port(settings),
            "public_base_url": None,  # links point at this machine, never at production
        }
    )


def admin_port(settings: Settings) -> int:
    """ADMIN_PORT if set, else the port after the web chat's (8081 next to 8080); 0 (any free
    port) when the web chat's is 0 too."""
    if settings.admin_port is not None:
        return settings.admin_port
    return settings.sandbox_port + 1 if 0 < settings.sandbox_port < 65535 else 0


def with_sandbox_keys(settings: Settings) -> tuple[Settings, list[str]]:
    """The settings with every unset key of SANDBOX_KEYS filled from SANDBOX_DIR (generated
    there the first time), so credentials and admin sessions survive a restart; and the names
    of the variables it filled."""
    update: dict[str, SecretStr] = {}
    for field, (name, generate) in SANDBOX_KEYS.items():
        if getattr(settings, field) is not None:
            continue
        path = settings.sandbox_dir / name
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(generate() + "\n", encoding="utf-8")
        update[field] = SecretStr(path.read_text(encoding="utf-8").strip())
    return settings.model_copy(update=update), [field.upper() for field in update]


def keys_note(names: list[str], folder: Path) -> str:
    return (
        f"{' and '.join(names)} not set: the sandbox uses keys it generated for itself, kept "
        f"in {folder}. In production set your own (ENCRYPTION_KEY: {KEY_COMMAND}; SECRET_KEY: "
        "any long random string)."
    )


def run_sandbox(settings: Settings, demo: bool = False) -> int:
    configure_logging(settings.log_level)
    local = sandbox_settings(settings)
    try:
        asyncio.run(_serve(local, demo))
    except OSError:
        pass
    except SystemExit as error:  # how uvicorn reports a port it cannot bind
        if error.code != UVICORN_STARTUP_FAILURE:
            raise
    else:
        return 0
    print(
        f"sandbox: cannot listen on port {local.sandbox_port} (web chat) or "
        f"{local.admin_port} (admin pages): is another sandbox or bot running? "
        "(set SANDBOX_PORT and ADMIN_PORT to free ports)",
        file=sys.stderr,
    )
    return 2


async def _serve(settings: Settings, demo: bool) -> None:
    folder: Path = settings.sandbox_dir
    folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, at start-up
    settings, generated = with_sandbox_keys(settings)
    if generated:
        print(keys_note(generated, folder), flush=True)
    sms, mail = SmsRuPeer(api_id=SANDBOX_SMS_KEY), MailPeer(port=mail_port(settings))
    bank = FakeTBankTerminal(*SANDBOX_TERMINAL)
    await sms.start()
    await mail.start()
    await bank.start()
    urls = {"sms_ru_base_url": sms.base_url, "tbank_base_url": bank.base_url}
    settings = settings.model_copy(update={**urls, **inbound(settings)})
    server = SandboxServer(
        new_emulator(),
        port=settings.sandbox_port,
        world_path=folder / "world.json",
        outside=OutsideApi([sms], mail),
    )
    local = LocalBot(settings, server=server)
    try:  # not `async with`: a port that cannot be bound fails half-way through start()
        await local.start()
        if demo:
            from bot.demo import connect_demo_channels, seed_demo

            print(await seed_demo(local, settings.default_language))
            await connect_demo_channels(
                local, settings.default_language, SANDBOX_SMS_KEY, mail.port, SANDBOX_TERMINAL
            )
        if local.process is not None and local.process.inbound_mail is not None:
            mail.reply_server = ("127.0.0.1", local.process.inbound_mail.port)  # answers go here
        print(addresses(server.url, local), flush=True)
        print(outside_note(mail.port), flush=True)
        await stop_on_signals().wait()
    finally:
        await local.stop()
        await bank.stop()
        await mail.stop()
        await sms.stop()


def inbound(settings: Settings) -> dict[str, object]:
    """Clients' answers to e-mails come back in the sandbox too: a local domain and a free
    port for the inbound SMTP server unless INBOUND_MAIL_DOMAIN is set."""
    if settings.inbound_mail_domain is not None:
        return {}
    return {"inbound_mail_domain": SANDBOX_REPLY_DOMAIN, "inbound_mail_host": "127.0.0.1",
            "inbound_mail_port": 0}  # fmt: skip


def mail_port(settings: Settings) -> int:
    """Two after the web chat's port (8082 next to 8080 and the admin pages' 8081); any free
    port when the web chat's is 0."""
    return settings.sandbox_port + 2 if 0 < settings.sandbox_port < 65534 else 0


SANDBOX_REPLY_DOMAIN = "reply.sandbox.test"


def outside_note(port: int) -> str:
    return (
        "  SMS and e-mail to clients go to the sandbox's own SMS.ru (key "
        f"{SANDBOX_SMS_KEY}) and mail server (127.0.0.1:{port}, no TLS): the page's "
        '"SMS & e-mail" button shows them, and answers an e-mail as the client\n'
        "  Clients' payment links open the sandbox's own T-Bank: its page's button pays"
    )


def addresses(chat_url: str, local: LocalBot) -> str:
    admin = local.admin.url if local.admin is not None else "(not running)"
    return (
        "AstraCRM sandbox is running (Ctrl+C stops):\n"
        f"  web chat:    {chat_url}/\n"
        f"  admin pages: {admin}/ (sign in with the link the bot's /admin sends)"
    )
