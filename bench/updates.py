"""End-to-end update throughput and reply latency: our bot vs a bare python-telegram-bot bot.

Both run against the same local Telegram Bot API emulator over HTTP, in the same run. Our bot
serves realistic traffic on a seeded organization (workers open order cards and tap Start /
Done, managers search clients, /today, /orders); the bare bot answers each message with a
fixed text. Throughput: N updates pushed at once until all are handled. Latency: updates
offered at a fixed rate, from the moment the emulator has the update to the moment the
handler (including its Bot API replies) is done.

`--http aiohttp|httpx|both` (default both): the Bot API client; with both, each bot runs with
each client, and the ratios compare like with like (ours / bare, same client) and our best
with the stock bare bot (PTB's default httpx). The 1/5/15-minute load average is recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
from pathlib import Path
from typing import Any, cast

from bench import db as bench_db
from bench.bare import Probe, measure, run_bare
from bench.report import machine, table, write_json
from bot.local import LocalBot, new_emulator
from bot.settings import Settings
from bot.telegram_request import HttpClient
from storage import demo
from storage.db import session_factory

CLIENTS: tuple[HttpClient, ...] = ("aiohttp", "httpx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="60 updates, a short latency run")
    parser.add_argument("--updates", type=int, default=2000, help="updates for throughput")
    parser.add_argument("--rate", type=float, default=100.0, help="offered updates/s for latency")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    parser.add_argument("--backends", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument(
        "--http",
        choices=[*CLIENTS, "both"],
        default="both",
        help="Bot API client for both bots (default: both, each bot with each client)",
    )
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    count = 60 if args.quick else args.updates
    seconds = 1.0 if args.quick else args.seconds
    backends = args.backends.split(",") if args.backends else _backends()
    clients = list(CLIENTS) if args.http == "both" else [cast(HttpClient, args.http)]
    result: dict[str, Any] = {
        "machine": machine(),
        "load_average": {"before": _load()},
        "updates": count,
        "rate": args.rate,
        "http": clients,
        "runs": {},
    }
    for backend in backends:
        result["runs"][backend] = asyncio.run(
            _compare(backend, clients, count, args.rate, seconds)
        )
    result["load_average"]["after"] = _load()
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'updates', result)}")
    return 0


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if bench_db.server_url() else ["sqlite"]


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


async def _compare(
    backend: str, clients: list[HttpClient], count: int, rate: float, seconds: float
) -> dict[str, Any]:
    """Our bot, then the bare bot, with each client; ratios of throughput."""
    crm: dict[str, Any] = {}
    for client in clients:
        async with bench_db.scratch(backend) as url:
            crm[client] = await _run_ours(url, client, count, rate, seconds)
    bare = {client: await run_bare(client, count, rate, seconds) for client in clients}
    return {"crm": crm, "bare": bare, "ratios": _ratios(crm, bare)}


def _ratios(crm: dict[str, Any], bare: dict[str, Any]) -> dict[str, float]:
    """ours-with-X / bare-with-X for each client X, and our best / the stock (httpx) bare bot."""
    ratios = {
        f"crm/bare {client}": round(crm[client]["throughput"] / bare[client]["throughput"], 3)
        for client in crm
    }
    if "httpx" in bare:
        best = max(run["throughput"] for run in crm.values())
        ratios["crm best/bare httpx"] = round(best / bare["httpx"]["throughput"], 3)
    return ratios


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


async def _run_ours(
    url: str, client: HttpClient, count: int, rate: float, seconds: float
) -> dict[str, Any]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, concurrent_updates=8, telegram_http_client=client
    )
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
        return await measure(probe, emulator, _traffic(orders, workers), count, rate, seconds)


async def _orders(local: LocalBot) -> list[tuple[int, int, int]]:
    from sqlalchemy import select

    from storage.tables import OrderRow

    assert local.container is not None
    async with session_factory(local.container.engine)() as session:
        rows = await session.execute(select(OrderRow.id, OrderRow.number, OrderRow.assignee_id))
        return [(i, n, a or 0) for i, n, a in rows.all()]


def render(result: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    for backend, run in result["runs"].items():
        for name in ("crm", "bare"):
            for client, r in run[name].items():
                lat = r["latency_ms"]
                rows.append(
                    [backend, name, client, r["throughput"], lat["p50"], lat["p95"], lat["p99"]]
                )
        for label, ratio in run["ratios"].items():
            rows.append([backend, "ratio", label, ratio, "", "", ""])
    load = result.get("load_average", {})
    headers = ["db", "bot", "http", "updates/s", "p50 ms", "p95 ms", "p99 ms"]
    before, after = load.get("before"), load.get("after")
    return f"{table(headers, rows)}\nload average 1/5/15 min: before {before}, after {after}"
