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
from sandbox.web import SandboxServer
from storage.secrets import FernetSecretBox

# Keys a deployment must set; the sandbox makes its own once and keeps them in SANDBOX_DIR.
SANDBOX_KEYS: dict[str, tuple[str, Callable[[], str]]] = {
    "encryption_key": ("encryption.key", FernetSecretBox.generate_key),
    "secret_key": ("secret.key", lambda: secrets.token_urlsafe(32)),
}
UVICORN_STARTUP_FAILURE = 3
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
    server = SandboxServer(
        new_emulator(), port=settings.sandbox_port, world_path=folder / "world.json"
    )
    local = LocalBot(settings, server=server)
    try:  # not `async with`: a port that cannot be bound fails half-way through start()
        await local.start()
        if demo:
            from bot.demo import seed_demo

            print(await seed_demo(local, settings.default_language))
        print(addresses(server.url, local), flush=True)
        await stop_on_signals().wait()
    finally:
        await local.stop()


def addresses(chat_url: str, local: LocalBot) -> str:
    admin = local.admin.url if local.admin is not None else "(not running)"
    return (
        "AstraCRM sandbox is running (Ctrl+C stops):\n"
        f"  web chat:    {chat_url}/\n"
        f"  admin pages: {admin}/ (sign in with the link the bot's /admin sends)"
    )
