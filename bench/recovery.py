"""Recovery after kill -9: how soon the work a killed process held is resumed, and the
transactions an idle process costs.

A real `astracrm run --webhook` process claims `--jobs` scheduled-message jobs and takes
`--boxed` outbox messages; the emulator holds every one of their sends, so the process holds
them all (jobs running, outbox rows locked) when it gets SIGKILL; the holds are released at
the kill, so whoever resumes the work sends at once. Measured from the kill to Telegram having
every message again (bench/recovery_proc.py):

- restart (SQLite, PostgreSQL): a process started after the kill (held: imports done) until
  it is ready, then until it has resumed everything (SQLite: everything running is handed
  back at start-up; PostgreSQL: the dead process's liveness mark is gone);
- survivor (PostgreSQL): a second process running all along. It takes the outbox over at its
  next look (every 60 s) and the jobs when it next claims: at their lease's end (5 minutes),
  or when a job is added anywhere (NOTIFY). Measured: the outbox unaided, the jobs unaided up
  to that moment, then the jobs after a NOTIFY (the wake any enqueue sends).

Target (issue 26): resumed within 2 s of a surviving or restarted process noticing. Also
`bench idle`'s transactions per second of an idle process (PostgreSQL), unless --quick.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench import db as bench_db
from bench.recovery_proc import FIRST_CHAT, Bot, Telegram, new_emulator, write_work
from bench.report import machine, table, write_json
from sandbox.emulator import EmulatorServer
from storage import migrate
from storage.db import create_engine
from storage.runtime.repository import JOBS_CHANNEL
from storage.tables import JobRow, OutboxRow

TOOK_OVER = re.compile(r"^(\S+ \S+) INFO bot\.outbox: \d+ messages left by another process", re.M)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=3, help="kills per scenario")
    parser.add_argument("--jobs", type=int, default=8, help="jobs held at the kill")
    parser.add_argument("--boxed", type=int, default=8, help="outbox messages held")
    parser.add_argument("--wait", type=float, default=75.0, help="longest wait, seconds")
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="0: no idle run")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="1 round of 4 + 4, no idle")
    parser.add_argument("--out", default="bench/results")


class NotHeld(Exception):
    """The killed process was not holding all the work (a loaded machine): round again."""


class Round:
    def __init__(self, args: argparse.Namespace, backend: str, folder: Path) -> None:
        self.args, self.backend, self.folder = args, backend, folder
        count = args.jobs + args.boxed
        self.chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
        self.job_chats = self.chats[: args.jobs]
        self.box_chats = self.chats[args.jobs :]

    async def run(self, survivor: bool) -> dict[str, Any]:
        async with bench_db.scratch(self.backend) as url:
            await asyncio.to_thread(migrate.upgrade, url)
            await write_work(url, self.args.jobs, self.args.boxed)
            emulator = new_emulator()
            async with EmulatorServer(emulator) as server:
                telegram = Telegram(emulator, self.chats)
                bots = [Bot(f"bot{i}", url, server, self.folder) for i in range(2)]
                try:
                    return await self._kill(url, telegram, bots, survivor)
                finally:
                    for bot in bots:
                        await bot.stop()

    async def _kill(
        self, url: str, telegram: Telegram, bots: list[Bot], survivor: bool
    ) -> dict[str, Any]:
        holder, other = bots
        await asyncio.gather(holder.spawn(), other.spawn())
        holder.go()
        await telegram.all_held(self.job_chats, self.box_chats)
        if survivor:  # up and idle (the work is the holder's) before the kill
            other.go()
            await other.ready()
        loop = asyncio.get_running_loop()
        os.kill(holder.pid, signal.SIGKILL)
        killed = loop.time()
        killed_wall = datetime.now()
        telegram.release(killed)
        await holder.wait()
        await self._check_held(url)
        if survivor:
            return await self._survived(url, telegram, other, killed, killed_wall)
        other.go()
        await other.ready()
        ready = loop.time() - killed
        outbox = await telegram.resumed(self.box_chats, self.args.wait)
        jobs = await telegram.resumed(self.job_chats, self.args.wait)
        last = max(outbox, jobs) if outbox is not None and jobs is not None else None
        return {
            "ready_s": ready,
            "outbox_s": outbox,
            "jobs_s": jobs,
            "after_noticing_s": last - ready if last is not None else None,
        }

    async def _check_held(self, url: str) -> None:
        """The dead process held every job on its first attempt and every outbox message
        (a send held past the bot's read timeout fails and is retried later: not this case)."""
        jobs, box = JobRow.__table__.c, OutboxRow.__table__.c
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                first = (jobs.status == "running") & (jobs.attempts == 1)
                running = select(func.count()).where(first, jobs.kind == "reminder")
                locked = select(func.count()).where(box.locked_by.is_not(None))
                held = [(await connection.execute(q)).scalar_one() for q in (running, locked)]
        finally:
            await engine.dispose()
        if held != [self.args.jobs, self.args.boxed]:
            raise NotHeld(f"held jobs, outbox messages: {held}")

    async def _survived(
        self, url: str, telegram: Telegram, other: Bot, killed: float, killed_wall: datetime
    ) -> dict[str, Any]:
        outbox = None
        if not self.args.quick:  # its next look comes within RECOVERY_SECONDS (60 s)
            outbox = await telegram.resumed(self.box_chats, self.args.wait)
        jobs_unaided = await telegram.resumed(self.job_chats, 0.0)
        woken = asyncio.get_running_loop().time() - killed
        await _notify(url)
        jobs = await telegram.resumed(self.job_chats, self.args.wait)
        looked = _took_over_at(other.log.read_text(errors="replace"))
        noticed = (looked - killed_wall).total_seconds() if looked else None
        return {
            "outbox_s": outbox,
            "outbox_noticed_s": noticed,
            "outbox_after_noticing_s": (
                outbox - noticed if outbox is not None and noticed is not None else None
            ),
            "jobs_unaided_s": jobs_unaided,
            "woken_s": woken,
            "jobs_s": jobs,
            "jobs_after_noticing_s": jobs - woken if jobs is not None else None,
        }


def _took_over_at(log: str) -> datetime | None:
    found = TOOK_OVER.search(log)
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f") if found else None


async def _notify(url: str) -> None:
    """What every process hears when any process adds a job."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": JOBS_CHANNEL}
            )
    finally:
        await engine.dispose()


def _median(values: list[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, int | float)]
    return (
        round(statistics.median(numbers), 3) if numbers and len(numbers) == len(values) else None
    )


async def _scenarios(args: argparse.Namespace, folder: Path) -> dict[str, list[dict[str, Any]]]:
    backends = args.backends.split(",")
    runs: dict[str, list[dict[str, Any]]] = {}
    if "sqlite" in backends:
        runs["restart sqlite"] = []
    if "postgresql" in backends and bench_db.server_url():
        runs |= {"restart postgresql": [], "survivor postgresql": []}
    for _ in range(args.rounds):
        for name, found in runs.items():
            kind, backend = name.split()
            for attempt in range(3):
                try:
                    found.append(await Round(args, backend, folder).run(kind == "survivor"))
                    break
                except NotHeld as error:
                    print(f"{name}: {error}; again", flush=True)
                    if attempt == 2:
                        raise
    return runs


def main(args: argparse.Namespace) -> int:
    if args.quick:
        args.rounds, args.jobs, args.boxed, args.idle_seconds = 1, 4, 4, 0.0
    with tempfile.TemporaryDirectory(prefix="astracrm_recovery_") as folder:
        runs = asyncio.run(_scenarios(args, Path(folder)))
    summary = {
        name: {key: _median([r.get(key) for r in found]) for key in found[0]}
        for name, found in runs.items()
    }
    headers = ["scenario", "measure (median s)", "value"]
    rows = [[n, k, "-" if v is None else v] for n, s in summary.items() for k, v in s.items()]
    idle = _idle(args)
    if idle is not None:
        rows.append(["idle postgresql", "transactions/s", round(idle["per_second"], 3)])
    print(table(headers, rows))
    keys = ("rounds", "jobs", "boxed", "wait", "quick", "backends")
    settings = {k: getattr(args, k) for k in keys}
    report = {
        "benchmark": "recovery",
        "machine": machine(),
        "settings": settings,
        "runs": runs,
        "summary": summary,
        "idle": idle,
    }
    write_json(Path(args.out), "recovery", report)
    return 0


def _idle(args: argparse.Namespace) -> dict[str, Any] | None:
    """`bench idle`'s measure, on a scratch database (PostgreSQL only)."""
    if not args.idle_seconds or "postgresql" not in args.backends or not bench_db.server_url():
        return None
    from bench.idle import _measure

    async def run() -> dict[str, Any]:
        async with bench_db.scratch("postgresql") as url:
            return await _measure(url, args.idle_seconds, 20.0, None)

    return asyncio.run(run())
