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
import os
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from bench import db as bench_db
from bench.bare import Probe, measure, run_bare
from bench.report import machine, table, write_json
from bench.traffic import meet, more_workers, realistic
from bot.local import LocalBot, new_emulator
from bot.settings import Settings
from bot.telegram_request import HttpClient
from storage import demo
from storage.db import session_factory
from storage.tables import MembershipRow, OrderRow

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
    backends = args.backends.split(",") if args.backends else default_backends()
    clients = list(CLIENTS) if args.http == "both" else [cast(HttpClient, args.http)]
    result: dict[str, Any] = {
        "machine": machine(),
        "load_average": {"before": load_average()},
        "updates": count,
        "rate": args.rate,
        "http": clients,
        "runs": {},
    }
    for backend in backends:
        result["runs"][backend] = asyncio.run(
            _compare(backend, clients, count, args.rate, seconds)
        )
    result["load_average"]["after"] = load_average()
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'updates', result)}")
    return 0


def default_backends() -> list[str]:
    return ["sqlite", "postgresql"] if bench_db.server_url() else ["sqlite"]


def load_average() -> list[float]:
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


async def _run_ours(
    url: str, client: HttpClient, count: int, rate: float, seconds: float
) -> dict[str, Any]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, concurrent_updates=8, telegram_http_client=client
    )
    emulator = new_emulator()
    async with LocalBot(settings, emulator=emulator, poll_timeout=1.0) as local:
        assert local.container is not None and local.app is not None
        workers, orders = await _world(local)
        meet(emulator, workers)
        probe = Probe(local.app)
        return await measure(probe, emulator, realistic(orders, workers), count, rate, seconds)


async def _world(local: LocalBot) -> tuple[list[int], list[tuple[int, int]]]:
    """The demo organization and team, 40 more workers; (their ids, the orders)."""
    assert local.container is not None
    now = local.container.services.clock.now()
    sessions = session_factory(local.container.engine)
    await demo.seed(sessions, now)
    async with sessions() as session, session.begin():
        org_id = (await session.execute(select(MembershipRow.organization_id))).scalars().first()
        workers = await more_workers(session, org_id, now)
        orders = (await session.execute(select(OrderRow.id, OrderRow.number))).all()
    return workers, [(int(i), int(n)) for i, n in orders]


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
