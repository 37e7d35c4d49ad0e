"""End-to-end update throughput and reply latency: our bot vs a bare python-telegram-bot bot.

Both run against the same local Telegram Bot API emulator over HTTP, in the same run. Our bot
serves realistic traffic on a seeded organization (workers open order cards and tap Start /
Done, managers search clients, /today, /orders); the bare bot answers each message with a
fixed text. Throughput: N updates pushed at once until all are handled. Latency: updates
offered at a fixed rate, from the moment the emulator has the update to the moment the
handler (including its Bot API replies) is done.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bench import db as bench_db
from bench.report import machine, percentiles, table, write_json
from bot.local import LocalBot, new_emulator
from bot.settings import Settings
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage import demo
from storage.db import session_factory


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="60 updates, a short latency run")
    parser.add_argument("--updates", type=int, default=2000, help="updates for throughput")
    parser.add_argument("--rate", type=float, default=100.0, help="offered updates/s for latency")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    parser.add_argument("--backends", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    count = 60 if args.quick else args.updates
    seconds = 1.0 if args.quick else args.seconds
    backends = args.backends.split(",") if args.backends else _backends()
    result: dict[str, Any] = {
        "machine": machine(),
        "updates": count,
        "rate": args.rate,
        "runs": {},
    }
    for backend in backends:
        result["runs"][backend] = asyncio.run(_compare(backend, count, args.rate, seconds))
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'updates', result)}")
    return 0


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if bench_db.server_url() else ["sqlite"]


class Probe:
    """Wraps an Application's process_update to time each update from push to done."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.pushed: dict[int, float] = {}
        self.done: dict[int, float] = {}
        self.finished = asyncio.Event()
        self.expected = 0
        inner = app.process_update

        async def timed(update: object) -> None:
            await inner(update)
            if isinstance(update, Update):
                self.done[update.update_id] = time.perf_counter()
                if len(self.done) >= self.expected:
                    self.finished.set()

        app.process_update = timed  # type: ignore[method-assign]

    def reset(self, expected: int) -> None:
        self.pushed.clear()
        self.done.clear()
        self.expected = expected
        self.finished.clear()

    def latencies_ms(self) -> list[float]:
        return [(self.done[u] - t) * 1000 for u, t in self.pushed.items() if u in self.done]


async def _compare(backend: str, count: int, rate: float, seconds: float) -> dict[str, Any]:
    async with bench_db.scratch(backend) as url:
        ours = await _run_ours(url, count, rate, seconds)
    bare = await _run_bare(count, rate, seconds)
    return {
        "crm": ours,
        "bare": bare,
        "throughput_ratio": round(ours["throughput"] / bare["throughput"], 3),
    }


async def _measure(
    probe: Probe, emulator: TelegramEmulator, traffic: Any, count: int, rate: float, seconds: float
) -> dict[str, Any]:
    probe.reset(count)
    start = time.perf_counter()
    for _ in range(count):
        _push(probe, emulator, next(traffic))
    await asyncio.wait_for(probe.finished.wait(), 600)
    throughput = count / (time.perf_counter() - start)
    offered = max(1, int(rate * seconds))
    probe.reset(offered)
    for _ in range(offered):
        _push(probe, emulator, next(traffic))
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(probe.finished.wait(), 600)
    return {"throughput": round(throughput, 1), "latency_ms": percentiles(probe.latencies_ms())}


def _push(probe: Probe, emulator: TelegramEmulator, action: tuple[str, int, str]) -> None:
    kind, user_id, payload = action
    driver = emulator.user(user_id, str(user_id))
    if kind == "tap":
        last = next((m for m in reversed(driver.messages())), None)
        if last is not None:
            driver.forge_callback(last.message_id, payload)
            update_id = emulator.state.next_update_id - 1
            probe.pushed[update_id] = time.perf_counter()
            return
    message = {"text": payload}
    if payload.startswith("/"):
        message["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(payload.split()[0])}
        ]
    stored = emulator.state.add_message(driver.chat, message, from_bot=False)
    update = emulator.state.push_update("message", dict(stored.message))
    probe.pushed[update["update_id"]] = time.perf_counter()


WORKERS = 40


async def _more_workers(local: LocalBot, count: int, now: Any) -> list[int]:
    """A team the size of a real one: each worker in their own chat, with orders of their own."""
    from sqlalchemy import select, update

    from storage.tables import MembershipRow, OrderRow, UserRow

    assert local.container is not None
    ids = [800_000_000 + i for i in range(count)]
    async with session_factory(local.container.engine)() as session, session.begin():
        org_id = (await session.execute(select(MembershipRow.organization_id))).scalars().first()
        user_ids = []
        for telegram_id in ids:
            user = UserRow(
                telegram_id=telegram_id,
                first_name=f"W{telegram_id}",
                language="ru",
                active_org_id=org_id,
                age_confirmed_at=now,
                consent_at=now,
                consent_version="bench",
                created_at=now,
            )
            session.add(user)
            await session.flush()
            user_ids.append(user.id)
            session.add(
                MembershipRow(
                    organization_id=org_id, user_id=user.id, role="worker", created_at=now
                )
            )
        orders = (await session.execute(select(OrderRow.id))).scalars().all()
        for index, order_id in enumerate(orders):
            values = {"assignee_id": user_ids[index % len(user_ids)], "status": "assigned"}
            await session.execute(update(OrderRow).where(OrderRow.id == order_id).values(**values))
    return ids


def _traffic(orders: list[tuple[int, int, int]], workers: list[int]) -> Any:
    """Workers open their cards and tap Start / Done; managers search and list; /today."""
    rng = random.Random(7)
    manager, owner = demo.TEAM[1].telegram_id, demo.TEAM[0].telegram_id
    fragments = ["Иван", "Смирн", "916", "Петр", "Васил", "99"]

    def one() -> tuple[str, int, str]:
        pick = rng.random()
        worker = rng.choice(workers)
        if pick < 0.35:
            _, number, _ = rng.choice(orders)
            return ("text", worker, f"/order {number}")
        if pick < 0.55:
            order_id = rng.choice(orders)[0]
            return ("tap", worker, f"oa:{order_id}:{rng.choice(['start', 'done'])}")
        if pick < 0.8:
            return ("text", manager, f"/client {rng.choice(fragments)}")
        if pick < 0.9:
            return ("text", worker, "/today")
        return ("text", owner, "/orders")

    return (one() for _ in itertools.count())


async def _run_ours(url: str, count: int, rate: float, seconds: float) -> dict[str, Any]:
    settings = Settings(_env_file=None, database_url=url, concurrent_updates=8)  # type: ignore[call-arg]
    emulator = new_emulator()
    async with LocalBot(settings, emulator=emulator, poll_timeout=1.0) as local:
        assert local.container is not None and local.app is not None
        now = local.container.services.clock.now()
        await demo.seed(session_factory(local.container.engine), now)
        workers = await _more_workers(local, WORKERS, now)
        orders = await _orders(local)
        for person in demo.TEAM:
            emulator.user(person.telegram_id, person.first_name, language_code=person.language)
        for telegram_id in workers:
            emulator.user(telegram_id, f"W{telegram_id}", language_code="ru")
        probe = Probe(local.app)
        return await _measure(probe, emulator, _traffic(orders, workers), count, rate, seconds)


async def _orders(local: LocalBot) -> list[tuple[int, int, int]]:
    from sqlalchemy import select

    from storage.tables import OrderRow

    assert local.container is not None
    async with session_factory(local.container.engine)() as session:
        rows = await session.execute(select(OrderRow.id, OrderRow.number, OrderRow.assignee_id))
        return [(i, n, a or 0) for i, n, a in rows.all()]


async def _run_bare(count: int, rate: float, seconds: float) -> dict[str, Any]:
    emulator = TelegramEmulator("42:BARE-BOT-TOKEN-abcdefghijklmnop", bot_username="bare_bot")
    async with EmulatorServer(emulator) as server:
        app = (
            ApplicationBuilder()
            .token(emulator.token)
            .base_url(server.api_base_url)
            .base_file_url(server.file_base_url)
            .concurrent_updates(8)
            .build()
        )

        async def answer(update: Update, _context: Any) -> None:
            assert update.effective_chat is not None
            await update.effective_chat.send_message("ok")

        app.add_handler(MessageHandler(filters.ALL, answer))
        probe = Probe(app)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            users = [emulator.user(100 + i, f"U{i}") for i in range(4)]
            traffic = (("text", users[i % 4].id, "hello") for i in itertools.count())
            result = await _measure(probe, emulator, traffic, count, rate, seconds)
            await app.updater.stop()
            await app.stop()
        return result


def render(result: dict[str, Any]) -> str:
    rows = []
    for backend, run in result["runs"].items():
        for name in ("crm", "bare"):
            r = run[name]
            lat = r["latency_ms"]
            rows.append([backend, name, r["throughput"], lat["p50"], lat["p95"], lat["p99"]])
        rows.append([backend, "ratio", run["throughput_ratio"], "", "", ""])
    return table(["db", "bot", "updates/s", "p50 ms", "p95 ms", "p99 ms"], rows)
