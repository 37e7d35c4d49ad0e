"""Database traffic of an idle bot: transactions per second PostgreSQL counts for the real
`astracrm run` process (long polling against the emulator) while nobody writes to it.

Reads `xact_commit + xact_rollback` of the bot's database from `pg_stat_database` before and
after `--seconds` of idleness (after a settling minute of start-up work), minus the two
transactions of the reads themselves (one connection, opened before the window, makes both
reads); backends report their counts to the statistics lazily, hence the settling.
The server is a private cluster started for the run (bench/pg_private.py): on a shared server
the counter also charges the bot's idle connections with the empty transactions they run to
catch up with other databases' DDL (12-88 a minute while tests ran next to it), which are not
the bot's traffic. Without PostgreSQL's server programs on the machine the shared server of
BENCH_DATABASE_URL / TEST_DATABASE_URL is used and the report says so.
`--checkout DIR` runs the bot from another checkout (e.g. an older commit in a git worktree)
to measure before and after. Target: < 0.2 tx/s with the default 30 s scheduler tick.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import db as bench_db
from bench.footprint_proc import BotProcess
from bench.pg_private import logged_transactions, private_server
from bench.report import machine, table, write_json
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage import migrate
from storage.db import create_engine

TOKEN = "424242:FOOTPRINT-bench-token-abcdef"
LOG_STATEMENTS = "ALTER DATABASE astracrm SET log_statement = 'all'"
PID = "SELECT pg_backend_pid()"
STATS = (
    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=60.0, help="idle time measured")
    parser.add_argument("--settle", type=float, default=60.0, help="start-up time not counted")
    parser.add_argument("--checkout", default=None, help="run the bot from this checkout")
    parser.add_argument("--quick", action="store_true", help="10 s measured, 5 s settling")
    parser.add_argument("--out", default="bench/results")


async def _transactions(connection: AsyncConnection) -> int:
    await connection.execute(text("SELECT pg_stat_clear_snapshot()"))
    return int((await connection.execute(text(STATS))).scalar() or 0)


async def _measure(
    url: str, seconds: float, settle: float, checkout: str | None, log: Path | None = None
) -> dict[str, Any]:
    if checkout is None:  # another checkout migrates to its own head when it starts
        await asyncio.to_thread(migrate.upgrade, url)
    emulator = TelegramEmulator(TOKEN, bot_username="idle_bot")
    with tempfile.TemporaryDirectory(prefix="astracrm_idle_") as folder:
        async with EmulatorServer(emulator) as server:
            bot = BotProcess(url, server, Path(folder))
            if checkout:
                bot.env["PYTHONPATH"] = checkout
            await bot.start()
            reader = create_engine(url, isolation_level="AUTOCOMMIT")
            try:
                async with reader.connect() as connection:
                    mine = int((await connection.execute(text(PID))).scalar() or 0)
                    await asyncio.sleep(settle)
                    bot.check_alive()
                    mark = _log_size(log)
                    before, started = await _transactions(connection), time.monotonic()
                    await asyncio.sleep(seconds)
                    bot.check_alive()
                    after = await _transactions(connection)
                    spent = time.monotonic() - started
                    window = _log_lines(log, mark)
            finally:
                await reader.dispose()
                await bot.stop()
    counted = max(0, after - before - 2)
    result = {"seconds": round(spent, 1), "transactions": counted, "per_second": counted / spent}
    if window is not None:
        logged = logged_transactions(window, skip_pids={mine})
        result |= {"logged": logged, "logged_per_second": logged / spent}
    return result


def _log_size(log: Path | None) -> int:
    return log.stat().st_size if log is not None else 0


def _log_lines(log: Path | None, start: int) -> list[str] | None:
    if log is None:
        return None
    with log.open("rb") as file:
        file.seek(start)
        return file.read().decode("utf-8", errors="replace").splitlines()


def main(args: argparse.Namespace) -> int:
    seconds, settle = (10.0, 5.0) if args.quick else (args.seconds, args.settle)

    async def run() -> tuple[str, dict[str, Any]] | None:
        async with private_server() as private:
            if private is not None:
                await bench_db._admin(private.url, "CREATE DATABASE astracrm")
                await bench_db._admin(private.url, LOG_STATEMENTS)
                url = make_url(private.url).set(database="astracrm").render_as_string(False)
                measured = await _measure(url, seconds, settle, args.checkout, private.log)
                return "private", measured
        if not bench_db.server_url():
            return None
        async with bench_db.scratch("postgresql") as url:
            return "shared", await _measure(url, seconds, settle, args.checkout)

    outcome = asyncio.run(run())
    if outcome is None:
        print("idle: PostgreSQL only; no server programs here and no BENCH/TEST_DATABASE_URL")
        return 0
    server, result = outcome
    logged = result.get("logged", "-")
    rate = round(result["per_second"], 3)
    rows = [[server, result["seconds"], result["transactions"], rate, logged]]
    print(table(["server", "idle s", "transactions", "tx/s", "in the log"], rows))
    settings = {"seconds": seconds, "settle": settle, "checkout": args.checkout, "server": server}
    report = {"benchmark": "idle", "machine": machine(), "settings": settings, "run": result}
    write_json(Path(args.out), "idle", report)
    return 0
