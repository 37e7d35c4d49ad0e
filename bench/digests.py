"""Owner digests for 10,000 organizations: compute and enqueue, then deliver through the emulator.

Loads a scratch database (an owner, a worker and a day of orders and payments per
organization), runs one scheduler tick at 20:00 Moscow time (the production
`NotificationService.tick`: a few aggregate queries, one ledger row and one delivery job per
digest), then works the queue with the production delivery jobs and job runners, sending
through python-telegram-bot's `AIORateLimiter` to the Telegram emulator with its flood limits
on. Reports compute time and statements, delivery time against the ideal (messages / limit),
429s seen and messages lost (must be 0). `--scale` multiplies the 30/s limit for shorter runs.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bench import db as bench_db
from bench.digest_data import load
from bench.report import machine, table, write_json
from bot.background import DELIVERY_SLOTS
from bot.container import Container, build_container
from bot.settings import Settings
from core.runtime.jobs import JobRunner
from handlers.client_loop.client_bot import SharedOnly
from handlers.notifications.digests import RENDERERS, notification_jobs
from sandbox.emulator import EmulatorServer, RateLimits, TelegramEmulator
from storage.db import session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.tables import metadata

TOKEN = "123456789:BENCH-digest-delivery-token"
TELEGRAM_LIMIT = 30  # messages per second overall
TICK_AT = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 20:00 in Moscow
QUICK_ORGS, QUICK_SCALE = 200, 10.0
PACE = 0.97
CATCH_UP = 0.3  # of an interval: how late a paced send may be and still be made up


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="200 organizations, limit x10")
    parser.add_argument("--orgs", type=int, default=10_000, help="organizations (one owner each)")
    parser.add_argument("--backend", default="sqlite", help="sqlite or postgresql")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the 30/s limit")
    parser.add_argument("--runners", type=int, default=1, help="delivery job runners")
    parser.add_argument(
        "--slots", type=int, default=DELIVERY_SLOTS, help="jobs in flight per runner"
    )
    parser.add_argument("--bursty", action="store_true", help="PTB's default limiter bucket")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    orgs = QUICK_ORGS if args.quick else args.orgs
    scale = QUICK_SCALE if args.quick else args.scale
    result = asyncio.run(
        run(orgs, args.backend, scale, (args.runners, args.slots), args.quick, args.bursty)
    )
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'digests', result)}")
    return 0 if result["delivery"]["lost"] == 0 else 1


class RunningClock:
    """The tick's moment, moving on with real time (leases and retries need time to pass)."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


async def run(
    orgs: int,
    backend: str,
    scale: float,
    runners: tuple[int, int],
    quick: bool,
    bursty: bool = False,
) -> dict[str, Any]:
    """`runners`: how many delivery runners, and how many jobs each keeps in flight."""
    limit = TELEGRAM_LIMIT * scale
    async with bench_db.scratch(backend) as url:
        loaded = await load(url, orgs, TICK_AT)
        with tempfile.TemporaryDirectory(prefix="astracrm_bench_files_") as files:
            settings = Settings(_env_file=None, database_url=url, files_dir=Path(files))
            container = build_container(settings, RunningClock(TICK_AT))
            try:
                compute = await _compute(container)
                ids = loaded["telegram_ids"]
                delivery = await _deliver(container, ids, limit, runners, bursty)
            finally:
                await container.close()
    return {
        "benchmark": "digests",
        "machine": machine(),
        "settings": {
            "quick": quick,
            "backend": backend,
            "orgs": orgs,
            "scale": scale,
            "limit_per_s": limit,
            "runners": runners[0],
            "slots": runners[1],
            "client_limiter": "bursty"
            if bursty
            else f"paced at {PACE:.0%} of the limit, {CATCH_UP} of an interval made up",
        },
        "load": loaded["timing"],
        "compute": compute,
        "delivery": delivery,
    }


async def _compute(container: Container) -> dict[str, Any]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(container.engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    enqueued = await container.services.notifications.tick(TICK_AT)
    seconds = time.perf_counter() - started
    event.remove(container.engine.sync_engine, "before_cursor_execute", count)
    selects = sum(1 for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")))
    return {
        "seconds": round(seconds, 3),
        "enqueued": enqueued,
        "statements": len(statements),
        "select_statements": selects,
    }


def _emulator(limit: float, telegram_ids: list[int]) -> TelegramEmulator:
    limits = RateLimits(per_chat=1, overall=max(1, int(limit)))
    emulator = TelegramEmulator(TOKEN, rate_limits=True, limits=limits)
    for telegram_id in telegram_ids:
        emulator.user(telegram_id, f"Owner {telegram_id}", language_code="ru")
    return emulator


def _limiter(limit: float, bursty: bool) -> Any:
    """Paced: one message every 1/(0.97 x limit) s on average, from a bucket that holds 1.3 of
    them, so a send woken late (timer granularity, a busy loop or machine) lets the next one go
    up to 0.3 of an interval early instead of losing the time for good, as a bucket of exactly
    one did (~3 % of the rate). In any 0.95 s a strict sliding window sees at most
    1.3 + 0.97 x limit x 0.95 of the limit's 30 (28.9): it still refuses none.
    Bursty: PTB's default bucket (the whole second's allowance at once), as production runs;
    each 429 it draws pauses every send for `retry_after`."""
    if bursty:
        return AIORateLimiter(overall_max_rate=limit, overall_time_period=1, max_retries=3)
    period = 1 / (limit * PACE)
    bucket = 1 + CATCH_UP
    return AIORateLimiter(
        overall_max_rate=bucket, overall_time_period=bucket * period, max_retries=3
    )


def _bot(server: EmulatorServer, limit: float, bursty: bool) -> Bot:
    """Through the same HTTP pool as the worker process (`bot.worker`): 8 connections."""
    limiter = _limiter(limit, bursty)
    return ExtBot(
        TOKEN,
        base_url=server.api_base_url,
        base_file_url=server.file_base_url,
        request=HTTPXRequest(connection_pool_size=8),
        rate_limiter=limiter,
    )


async def _deliver(
    container: Container,
    telegram_ids: list[int],
    limit: float,
    runners: tuple[int, int],
    bursty: bool,
) -> dict[str, Any]:
    emulator = _emulator(limit, telegram_ids)
    async with EmulatorServer(emulator) as server:
        bot = _bot(server, limit, bursty)
        await bot.initialize()
        try:
            seconds = await _work_the_queue(container, bot, runners)
        finally:
            await bot.shutdown()
    received = [len(emulator.chat(t).messages) for t in telegram_ids]
    expected = len(telegram_ids)
    return {
        "seconds": round(seconds, 2),
        "messages": emulator.stats.sent,
        "rate_per_s": round(emulator.stats.sent / seconds, 2) if seconds else None,
        "ideal_seconds": round(expected / limit, 2),
        "refused_429": emulator.stats.refused_429,
        "lost": sum(1 for n in received if n == 0),
        "duplicates": sum(n - 1 for n in received if n > 1),
    }


async def _work_the_queue(container: Container, bot: Bot, runners: tuple[int, int]) -> float:
    """Seconds from starting the runners until the queue holds no message job (polled)."""
    queue = SqlJobQueue(session_factory(container.engine))
    handlers = notification_jobs(SharedOnly(bot), container.services, container.catalogs)
    clock = container.services.clock
    count, slots = runners
    poll = timedelta(seconds=0.2)
    workers = [
        JobRunner(queue, handlers, clock, f"bench:{i}", poll_interval=poll, concurrency=slots)
        for i in range(count)
    ]
    stop = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(w.run(stop)) for w in workers]
    try:
        await _until(lambda: _pending(container), 0.1)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return time.perf_counter() - started


async def _pending(container: Container) -> bool:
    """Whether any message job is left: the first one found, not a count of them all (which
    read every queued row ten times a second, on the loop that paces the sends)."""
    job = metadata.tables["job"]
    stmt = (
        select(job.c.id)
        .where(job.c.status.in_(["pending", "running"]), job.c.kind.in_(list(RENDERERS)))
        .limit(1)
    )
    async with container.engine.connect() as connection:
        return (await connection.execute(stmt)).first() is not None


async def _until(busy: Callable[[], Any], every: float) -> None:
    """Poll the queue (the jobs' end is visible only in the database)."""
    while True:
        if not await busy():
            return
        await asyncio.sleep(every)


def render(result: dict[str, Any]) -> str:
    s, c, d = result["settings"], result["compute"], result["delivery"]
    rows = [
        ["organizations", s["orgs"]],
        ["backend", s["backend"]],
        ["compute s (tick: queries + enqueue)", c["seconds"]],
        ["statements in the tick", c["statements"]],
        ["digests enqueued", c["enqueued"]],
        ["limit msgs/s", s["limit_per_s"]],
        ["runners x jobs in flight", f"{s['runners']} x {s['slots']}"],
        ["delivery s", d["seconds"]],
        ["ideal s (messages / limit)", d["ideal_seconds"]],
        ["delivery rate msgs/s", d["rate_per_s"]],
        ["429s seen", d["refused_429"]],
        ["lost", d["lost"]],
        ["duplicates", d["duplicates"]],
    ]
    return table(["digests", "value"], rows)
