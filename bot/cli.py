"""The `astracrm` command: run the bot, migrate the database, check the configuration."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.backups import add_commands
from bot.policy_cli import add_commands as add_policy_commands
from bot.settings import ConfigError, Settings, load_settings
from integrations.blas import single_threaded_blas
from storage import migrate

EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    single_threaded_blas()  # before anything imports numpy (see integrations.blas)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    result: int = args.handler(settings, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="astracrm", description="A Telegram-first CRM.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run the bot (long polling); without a token, the local sandbox"
    )
    run.add_argument("--demo", action="store_true", help="sandbox: seed a demo organization")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates at {PUBLIC_BASE_URL}/telegram/webhook instead of long polling",
    )
    run.set_defaults(handler=_run)
    sandbox = commands.add_parser("sandbox", help="the bot with a local web chat, no Telegram")
    sandbox.add_argument("--demo", action="store_true", help="seed a demo organization")
    sandbox.set_defaults(handler=_sandbox)
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)
    db_commands.add_parser("check", help="compare models and schema").set_defaults(
        handler=_db_check
    )
    worker = commands.add_parser("worker", help="run background jobs without serving Telegram")
    worker.set_defaults(handler=_worker)
    check = commands.add_parser("check-config", help="validate settings and reach the database")
    check.set_defaults(handler=_check_config)
    add_commands(commands)
    add_policy_commands(commands)
    return parser


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.logs import configure_logging
    from bot.process import Role
    from bot.runner import run

    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set: starting the local sandbox instead.", flush=True)
        return _sandbox(settings, args)
    configure_logging(settings.log_level)
    _start_monitoring(settings)
    webhook = bool(getattr(args, "webhook", False))
    if webhook and not settings.public_base_url:
        print("--webhook needs PUBLIC_BASE_URL (https, reachable by Telegram)", file=sys.stderr)
        return EXIT_CONFIG
    run(settings, Role.WEBHOOK if webhook else Role.POLLING)
    return 0


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from bot.sandbox import run_sandbox

    return run_sandbox(settings, demo=bool(getattr(args, "demo", False)))


def _worker(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.logs import configure_logging
    from bot.process import Role
    from bot.runner import run

    if settings.telegram_bot_token is None:
        print("astracrm worker needs TELEGRAM_BOT_TOKEN (it sends messages).", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level)
    _start_monitoring(settings)
    run(settings, Role.WORKER)
    return 0


def _start_monitoring(settings: Settings) -> None:
    if settings.sentry_dsn is not None:
        from bot.monitoring import start_sentry

        start_sentry(settings.sentry_dsn.get_secret_value(), settings.sentry_environment)


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    migrate.upgrade(settings.database_url)
    print("database is at the latest schema")
    return 0


def _db_check(settings: Settings, _args: argparse.Namespace) -> int:
    drift = migrate.check(settings.database_url)
    if drift:
        print(f"schema differs from the models: {drift}", file=sys.stderr)
        return 1
    print("schema matches the models")
    return 0


def _check_config(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.admin.wiring import public_url
    from storage.db import ping

    token = "set" if settings.telegram_bot_token else "not set (sandbox)"
    print(f"TELEGRAM_BOT_TOKEN: {token}")
    print(f"TELEGRAM_API_BASE_URL: {settings.telegram_api_base_url}")
    print(f"DATABASE_URL: {_mask(settings.database_url)}")
    print(f"FILES_DIR: {settings.files_dir}")
    print(f"admin endpoint: {public_url(settings)}")
    print(
        f"billing (T-Bank): {'enabled' if settings.billing_enabled else 'off, plans not enforced'}"
    )
    print(f"ENCRYPTION_KEY: {'set' if settings.encryption_key else 'not set'}")
    try:
        asyncio.run(ping(settings.database_url))
    except Exception as error:  # noqa: BLE001 - any failure is reported as one line
        print(f"database: unreachable ({type(error).__name__})", file=sys.stderr)
        return EXIT_CONFIG
    print("database: reachable")
    return 0


def _mask(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
