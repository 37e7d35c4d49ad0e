"""Live board delivery: open boards (WebSocket clients) of one organization while orders change
at a steady rate; p50/p95/p99 from each change's commit to its card arriving on each board.

The admin app runs under uvicorn in this process, as `astracrm run` serves it; the boards are
`websockets` clients signed in with a real session; each change is the bot's reschedule
(`OrderService.act`) of one of 200 orders, in turn, so no two changes of an order share a
batch. All boards belong to the organization that changes (the worst case: every change goes
to every board). Target (issue 22): 50 boards, 20 changes/s, p95 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench import db as bench_db
from bench.report import machine, percentiles, table, write_json
from bot.admin.app import build_admin_app
from bot.container import build_container
from bot.settings import Settings
from core.clock import FixedClock
from core.dialogs.engine import DialogInput
from core.domain import Actor, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.services import Services
from sandbox.emulator.server import AsgiServer
from storage import migrate

ORDERS = 200
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 09:00 in Moscow, a Monday


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--boards", type=int, default=50, help="open boards (WebSockets)")
    parser.add_argument("--rate", type=float, default=20.0, help="changes per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long orders change")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="10 boards for 3 s")
    parser.add_argument("--out", default="bench/results")


async def _owner(services: Services) -> Actor:
    person = TelegramProfile(9_100_001, "Owner", None, None, "ru")
    actor = await services.users.identify(person)
    await services.start.begin(actor, person.telegram_id, None)
    for given in (
        DialogInput(choice="ru"),
        DialogInput(choice="yes"),
        DialogInput(choice="accept"),
        DialogInput(text="Bench"),
        DialogInput(choice="Europe/Moscow"),
        DialogInput(choice="RUB"),
    ):
        await services.dialogs.answer(await services.users.identify(person), 9_100_001, given)
    return await services.users.identify(person)


async def _cookie(url: str, services: Services, owner: Actor) -> str:
    issued = await services.admin.issue_link(owner)
    path = "/signin/" + issued.url.rsplit("/signin/", 1)[1]
    async with httpx.AsyncClient(base_url=url) as web:
        opened = await web.post(path)
        assert opened.status_code == 303, opened.text
        return f"astracrm_session={web.cookies['astracrm_session']}"


async def _board(
    url: str, cookie: str, seen: dict[tuple[int, int], float], ready: asyncio.Event
) -> None:
    """One open board: when each (order, version) first arrived. `ready` once subscribed (its
    first message, the empty catch-up, comes after the subscription)."""
    ws = url.replace("http://", "ws://") + "/board/live?since=1000000000"
    async with connect(ws, additional_headers={"Cookie": cookie}, origin=url) as socket:
        async for raw in socket:
            now = time.monotonic()
            ready.set()
            for card in json.loads(raw)["cards"]:
                seen.setdefault((card["id"], card["version"]), now)


async def _run(backend: str, boards: int, rate: float, seconds: float) -> dict[str, Any]:
    async with bench_db.scratch(backend) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        with tempfile.TemporaryDirectory(prefix="astracrm_board_") as folder:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                database_url=url,
                files_dir=Path(folder),
                public_base_url="http://127.0.0.1",
                secret_key="bench-secret-key",
            )
            container = build_container(settings, FixedClock(START))
            try:
                return await _measure(container, boards, rate, seconds)
            finally:
                await container.close()


async def _measure(container: Any, boards: int, rate: float, seconds: float) -> dict[str, Any]:
    services: Services = container.services
    owner = await _owner(services)
    orders = [
        await services.orders.create(
            owner, OrderDraft(None, "Тверская, 1", scheduled_at=START + timedelta(hours=2))
        )
        for _ in range(ORDERS)
    ]
    committed: dict[tuple[int, int], float] = {}
    async with AsgiServer(build_admin_app(container)) as server:
        cookie = await _cookie(server.url, services, owner)
        arrivals: list[dict[tuple[int, int], float]] = [{} for _ in range(boards)]
        readies = [asyncio.Event() for _ in range(boards)]
        clients = [
            asyncio.create_task(_board(server.url, cookie, seen, ready))
            for seen, ready in zip(arrivals, readies, strict=True)
        ]
        await asyncio.gather(*(ready.wait() for ready in readies))
        changes, began = int(rate * seconds), time.monotonic()

        async def change(n: int) -> None:
            order = orders[n % ORDERS]
            moment = START + timedelta(hours=3, minutes=n)
            done = await services.orders.act(
                owner, order.id, OrderAction.RESCHEDULE, scheduled_at=moment
            )
            committed[(order.id, done.card.order.version)] = time.monotonic()

        running = []
        for n in range(changes):  # on schedule, each in its own task (a slow one delays none)
            await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
            running.append(asyncio.create_task(change(n)))
        offered = changes / (time.monotonic() - began)
        await asyncio.gather(*running)
        await asyncio.sleep(2.0)  # the last changes' delivery
        for client in clients:
            client.cancel()
        await asyncio.gather(*clients, return_exceptions=True)
    latencies = [
        (seen[key] - at) * 1000
        for seen in arrivals
        for key, at in committed.items()
        if key in seen
    ]
    expected = len(committed) * boards
    return {
        "boards": boards,
        "changes": len(committed),
        "offered_per_s": round(offered, 2),
        "delivered": len(latencies),
        "missing": expected - len(latencies),
        "latency_ms": percentiles(latencies),
    }


def main(args: argparse.Namespace) -> int:
    boards, seconds = (10, 3.0) if args.quick else (args.boards, args.seconds)
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not bench_db.server_url():
        backends.remove("postgresql")
    runs = []
    for backend in backends:
        result = asyncio.run(_run(backend, boards, args.rate, seconds))
        runs.append({"backend": backend, **result})
    rows = [
        [
            r["backend"],
            r["boards"],
            r["offered_per_s"],
            r["delivered"],
            r["missing"],
            r["latency_ms"]["p50"],
            r["latency_ms"]["p95"],
            r["latency_ms"]["p99"],
            r["latency_ms"]["max"],
        ]
        for r in runs
    ]
    headers = ["backend", "boards", "changes/s", "delivered", "missing", "p50 ms", "p95 ms"]
    print(table([*headers, "p99 ms", "max ms"], rows))
    settings = {"quick": args.quick, "rate": args.rate, "seconds": seconds, "boards": boards}
    report = {"benchmark": "board", "machine": machine(), "settings": settings, "runs": runs}
    print(f"written to {write_json(Path(args.out), 'board', report)}")
    return 0 if all(r["missing"] == 0 for r in runs) else 1
