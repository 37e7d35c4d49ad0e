"""Database traffic of an idle bot: transactions per second PostgreSQL counts for the real
`astracrm run` process (long polling against the emulator) while nobody writes to it.

Reads `xact_commit + xact_rollback` of the bot's database from `pg_stat_database` before and
after `--seconds` of idleness (after a settling minute of start-up work), minus the two
transactions of the reads themselves (one connection, opened before the window, makes both
reads), after a 60 s settle (backends report their counts to the statistics lazily).
The counter is not the bot's alone: on 7 December, with the CI server's autovacuum off, runs
counted 12 to 88 transactions in 60 s while PostgreSQL's statement log (log_statement = all)
showed the bot's own 5-6 a minute (the scheduler tick twice, its leadership lock or check, the
sent-key purge, the outbox look): read the log to see what the bot itself does.
`--checkout DIR` runs the bot from another checkout (e.g. an older commit in a git worktree)
to measure before and after. Target: < 0.2 tx/s with the default 30 s scheduler tick.
PostgreSQL only (SQLite keeps no such statistics).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import db as bench_db
from bench.footprint_proc import BotProcess
from bench.report import machine, table, write_json
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage import migrate
from storage.db import create_engine

TOKEN = "424242:FOOTPRINT-bench-token-abcdef"
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


async def _measure(url: str, seconds: float, settle: float, checkout: str | None) -> dict:
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
                    await asyncio.sleep(settle)
                    bot.check_alive()
                    before, started = await _transactions(connection), time.monotonic()
                    await asyncio.sleep(seconds)
                    bot.check_alive()
                    after = await _transactions(connection)
                    spent = time.monotonic() - started
            finally:
                await reader.dispose()
                await bot.stop()
    counted = max(0, after - before - 2)
    return {"seconds": round(spent, 1), "transactions": counted, "per_second": counted / spent}


def main(args: argparse.Namespace) -> int:
    if not bench_db.server_url():
        print("idle: PostgreSQL only; set BENCH_DATABASE_URL or TEST_DATABASE_URL")
        return 0
    seconds, settle = (10.0, 5.0) if args.quick else (args.seconds, args.settle)

    async def run() -> dict[str, Any]:
        async with bench_db.scratch("postgresql") as url:
            return await _measure(url, seconds, settle, args.checkout)

    result = asyncio.run(run())
    rows = [[result["seconds"], result["transactions"], round(result["per_second"], 3)]]
    print(table(["idle s", "transactions", "tx/s"], rows))
    settings = {"seconds": seconds, "settle": settle, "checkout": args.checkout}
    report = {"benchmark": "idle", "machine": machine(), "settings": settings, "run": result}
    write_json(Path(args.out), "idle", report)
    return 0
