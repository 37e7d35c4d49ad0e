"""Resident memory and start-up time of the bot process with 1,000,000 clients.

For each backend: a scratch database migrated to head with 1,000,000 synthetic clients and
the demo organization and team (100,000 of the clients are the demo organization's). The
real bot (`astracrm run`) starts as a separate process against a Telegram Bot API emulator
served from this process. Measured: start-up (spawn to the first Bot API call, to the first
getUpdates, to the admin endpoint's /ready answering 200), resident memory idle, while
realistic traffic is offered at a fixed rate (sampled every 50 ms: peak and end), and after
the load settles. RSS and the high-water mark (VmRSS, VmHWM from /proc) include any child
processes. Target: under 200 MB resident with 1,000,000 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench import db as bench_db
from bench.footprint_proc import SAMPLE_S, TOKEN, BotProcess, Sampler
from bench.footprint_world import World, seed, traffic
from bench.report import machine, table, write_json
from bench.traffic import meet, push_update
from sandbox.emulator import EmulatorServer, TelegramEmulator

TARGET_MB = 200
QUICK_SIZE, QUICK_UPDATES = 5_000, 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="5,000 clients, 20 updates")
    parser.add_argument("--size", type=int, default=1_000_000, help="clients in the database")
    parser.add_argument("--updates", type=int, default=3000, help="updates offered under load")
    parser.add_argument("--rate", type=float, default=100.0, help="offered updates/s")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before idle/after")
    parser.add_argument("--backends", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")
    parser.add_argument("--logs", default=None, help="keep the bot's log in this folder")


def main(args: argparse.Namespace) -> int:
    size = QUICK_SIZE if args.quick else args.size
    updates = QUICK_UPDATES if args.quick else args.updates
    settle = min(args.settle, 1.0) if args.quick else args.settle
    backends = args.backends.split(",") if args.backends else _backends()
    settings = {"quick": args.quick, "size": size, "updates": updates, "rate": args.rate}
    settings |= {"settle_s": settle, "sample_ms": SAMPLE_S * 1000, "target_mb": TARGET_MB}
    result: dict[str, Any] = {
        "benchmark": "footprint",
        "machine": machine(),
        "load_average": {"before": list(os.getloadavg())},
        "settings": settings,
        "runs": [],
    }
    for backend in backends:
        run = asyncio.run(_measure_backend(backend, size, updates, args.rate, settle, args.logs))
        result["runs"].append(run)
    result["load_average"]["after"] = list(os.getloadavg())
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'footprint', result)}")
    return 0


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if bench_db.server_url() else ["sqlite"]


async def _measure_backend(
    backend: str, size: int, updates: int, rate: float, settle: float, logs: str | None
) -> dict[str, Any]:
    async with bench_db.scratch(backend) as url:
        started = time.perf_counter()
        world = await seed(url, size)
        print(f"{backend}: {size:,} clients seeded in {time.perf_counter() - started:.1f} s")
        emulator = TelegramEmulator(TOKEN, bot_first_name="AstraCRM", bot_username="crm_bot")
        meet(emulator, world.workers)
        async with EmulatorServer(emulator) as server:
            with tempfile.TemporaryDirectory(prefix="astracrm_footprint_") as folder:
                bot = BotProcess(url, server, Path(folder))
                try:
                    measured = await _measure_bot(bot, emulator, world, updates, rate, settle)
                finally:
                    exit_code = await bot.stop()
                    if logs:
                        bot.keep_log(logs, f"footprint-{backend}.log")
    shape = {"backend": backend, "size": size, "demo_org_clients": world.demo_clients}
    return {**shape, "seed": world.load, **measured, "exit_code": exit_code}


async def _measure_bot(
    bot: BotProcess, emulator: TelegramEmulator, world: World, updates: int, rate: float,
    settle: float,
) -> dict[str, Any]:  # fmt: skip
    startup = await _start(bot, emulator)
    await asyncio.sleep(settle)
    with Sampler(bot.pid) as idle:
        await asyncio.sleep(max(1.0, settle / 2))
    with Sampler(bot.pid) as loaded:
        load = await _offer(bot, emulator, world, updates, rate)
    await asyncio.sleep(settle)
    with Sampler(bot.pid) as after:
        await asyncio.sleep(max(1.0, settle / 2))
    bot.check_alive()
    memory = {"idle": idle.summary(), "load": loaded.summary(), "after": after.summary()}
    return {"startup": startup, "memory": memory, "traffic": load}


async def _start(bot: BotProcess, emulator: TelegramEmulator) -> dict[str, float]:
    """Seconds from spawn to the first Bot API call, the first getUpdates and /ready = 200."""
    spawned = time.perf_counter()
    await bot.start()
    ready_url = f"http://127.0.0.1:{bot.admin_port}/ready"

    async def ready() -> bool:
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                return (await client.get(ready_url)).status_code == 200
        except httpx.HTTPError:
            return False

    def polled() -> bool:
        return any(c.method.lower() == "getupdates" for c in emulator.state.calls)

    async def until(check: Callable[[], Any]) -> float:
        while not await _maybe_await(check()):
            bot.check_alive()
            if time.perf_counter() - spawned > 180:
                raise TimeoutError("the bot did not start in 180 s")
            await asyncio.sleep(0.01)
        return round(time.perf_counter() - spawned, 3)

    with Sampler(bot.pid) as starting:
        first_call, first_poll, ready_s = await asyncio.gather(
            until(lambda: bool(emulator.state.calls)), until(polled), until(ready)
        )
    memory = starting.summary()
    return {
        "first_api_call_s": first_call,
        "first_get_updates_s": first_poll,
        "ready_s": ready_s,
        "rss_at_ready_mb": memory["rss_mb"],
        "rss_peak_mb": memory["rss_peak_mb"],
        "hwm_at_ready_mb": memory["hwm_mb"],
    }


async def _maybe_await(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) else value


async def _offer(
    bot: BotProcess, emulator: TelegramEmulator, world: World, count: int, rate: float
) -> dict[str, Any]:
    """`count` updates at `rate`/s, then wait until the bot has fetched them all and answered.

    Every update of this traffic gets at least one Bot API call back, so the load is done when
    all are fetched, the bot made `count` calls since, and it has been quiet for 1 s (or for
    10 s whatever the count, should some update go unanswered).
    """
    state = emulator.state
    calls_before = len(state.calls)
    actions = traffic(world)
    started, started_wall = time.perf_counter(), time.time()
    last = 0
    for index in range(count):
        last = push_update(emulator, next(actions))
        delay = started + (index + 1) / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    offered = time.perf_counter() - started
    fetched_at = None
    while True:
        bot.check_alive()
        if fetched_at is None and (not state.updates or state.updates[0]["update_id"] > last):
            fetched_at = time.time()
        answers = [c.at for c in list(state.calls)[calls_before:] if c.method != "getUpdates"]
        if fetched_at is not None:
            quiet = time.time() - max([fetched_at, *answers[-1:]])
            if (len(answers) >= count and quiet >= 1.0) or quiet >= 10.0:
                break
        if time.perf_counter() - started > 900:
            raise TimeoutError("the bot did not drain the traffic in 900 s")
        await asyncio.sleep(0.1)
    return {
        "updates": count,
        "offered_s": round(offered, 2),
        "drained_s": round(max([fetched_at, *answers[-1:]]) - started_wall, 2),
        "bot_api_calls": len(answers),
    }


def render(result: dict[str, Any]) -> str:
    headers = ["db", "clients", "start s", "ready s", "idle MB", "load peak MB"]
    headers += ["load end MB", "after MB", "HWM MB", "< 200 MB"]
    rows = []
    for run in result["runs"]:
        memory = run["memory"]
        hwm = max(m["hwm_mb"] for m in memory.values())
        rows.append(
            [
                run["backend"],
                f"{run['size']:,}",
                run["startup"]["first_get_updates_s"],
                run["startup"]["ready_s"],
                memory["idle"]["rss_mb"],
                memory["load"]["rss_peak_mb"],
                memory["load"]["rss_mb"],
                memory["after"]["rss_mb"],
                hwm,
                "yes" if hwm < TARGET_MB else "NO",
            ]
        )
    notes = [
        f"{r['backend']}: {r['traffic']['updates']} updates offered in "
        f"{r['traffic']['offered_s']} s, handled by {r['traffic']['drained_s']} s, "
        f"{r['traffic']['bot_api_calls']} Bot API calls; "
        f"first Bot API call at {r['startup']['first_api_call_s']} s"
        for r in result["runs"]
    ]
    load = result["load_average"]
    notes.append(f"load average before {load['before']}, after {load['after']}")
    return table(headers, rows) + "\n\n" + "\n".join(notes)
