"""CPU per update: our bot against a bare python-telegram-bot bot, for /help and a tap on an
order card ("▶️ Start").

Both bots run in this process at the same time, each against its own emulator; the emulators
are served from a thread of their own (bench/emulator_thread.py), so a bot's CPU is the
process's CPU time minus that thread's. Same HTTP client, same rate limiter (bot/flood.py),
same run. Updates go one at a time: pushed, handled with every reply sent, the next one; a
batch of them per bot and kind, rounds alternating ours and the bare bot, medians of rounds
reported with the ratio ours / bare. What each bot does is in bench/cpu_bots.py and
bench/cpu_ours.py.

`--profile DIR`: each bot's measured batches under cProfile, one file per bot, database, way of
arriving and kind (the CPU numbers are then the profiler's, not comparable).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import statistics
import time
from pathlib import Path
from typing import Any, cast

from bench import db as bench_db
from bench.cpu_bots import KINDS, Bare, BotUnderTest, Kind, Push
from bench.cpu_ours import Ours
from bench.emulator_thread import EmulatorThread
from bench.report import machine, table, write_json
from bench.updates import default_backends, load_average
from bot.telegram_request import HttpClient

# "one": each update pushed when the one before is handled (a quiet bot: every update pays for
# its own transactions); "burst": a batch pushed at once (a busy bot: getUpdates batches, the
# inbox and the ledger write several updates per statement).
MODES = ("one", "burst")
SETTLE = 0.2  # seconds counted after the last update: the ledger writes 0.05 s after a note


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="20 updates a batch, 1 round")
    parser.add_argument("--updates", type=int, default=200, help="updates per batch")
    parser.add_argument("--rounds", type=int, default=3, help="batches per bot and kind")
    parser.add_argument("--users", type=int, default=200, help="people writing to each bot")
    parser.add_argument("--backends", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--http", choices=["aiohttp", "httpx"], default="aiohttp")
    parser.add_argument("--profile", default=None, help="folder for cProfile files of both bots")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    count = 20 if args.quick else args.updates
    rounds = 1 if args.quick else args.rounds
    users = min(args.users, 20) if args.quick else args.users
    backends = args.backends.split(",") if args.backends else default_backends()
    client = cast(HttpClient, args.http)
    profile = Path(args.profile) if args.profile else None
    result: dict[str, Any] = {
        "machine": machine(),
        "load_average": {"before": load_average()},
        "settings": {"updates": count, "rounds": rounds, "users": users, "http": client},
        "profiled": profile is not None,
        "runs": {},
    }
    for backend in backends:
        result["runs"][backend] = asyncio.run(
            _compare(backend, client, count, rounds, users, profile)
        )
    result["load_average"]["after"] = load_average()
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'cpu', result)}")
    failed = [b for b, run in result["runs"].items() if run["tap_check"]["ok"] is not True]
    return 1 if failed else 0


async def _compare(
    backend: str, client: HttpClient, count: int, rounds: int, users: int, profile: Path | None
) -> dict[str, Any]:
    samples: dict[tuple[str, Kind], dict[str, list[dict[str, float]]]] = {
        (mode, kind): {"crm": [], "bare": []} for mode in MODES for kind in KINDS
    }
    async with (
        bench_db.scratch(backend) as url,
        EmulatorThread() as thread,
        Ours(thread, client, users, url) as ours,
        Bare(thread, client, users) as bare,
    ):
        bots: tuple[BotUnderTest, ...] = (ours, bare)
        for kind in KINDS:  # warm-up: first-time paths, caches, compiled statements
            for bot in bots:
                await _batch(thread, bot, await bot.pushes(kind, max(10, count // 4)), "one")
        profilers = (
            {
                (key, bot.name): cProfile.Profile(time.thread_time)
                for key in samples
                for bot in bots
            }
            if profile is not None
            else {}
        )
        for _ in range(rounds):
            for mode, kind in samples:
                for bot in bots:
                    pushes = await bot.pushes(kind, count)
                    mine = profilers.get(((mode, kind), bot.name))
                    sample = await _batch(thread, bot, pushes, mode, mine)
                    samples[mode, kind][bot.name].append(sample)
                    if mine is not None and profile is not None:
                        _dump(mine, profile / f"{bot.name}-{backend}-{mode}-{kind}.prof")
        started = await ours.started()
    run: dict[str, Any] = {
        mode: {kind: _summary(samples[mode, kind]) for kind in KINDS} for mode in MODES
    }
    run["tap_check"] = {"tapped": len(ours.tapped), "started": started}
    run["tap_check"]["ok"] = started == len(ours.tapped)
    return run


def _dump(profiler: cProfile.Profile, path: Path) -> None:
    """What the profiler has gathered so far, over all rounds (rewritten each round)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)


async def _batch(
    thread: EmulatorThread,
    bot: BotUnderTest,
    pushes: list[Push],
    mode: str,
    profiler: cProfile.Profile | None = None,
) -> dict[str, float]:
    """The updates one at a time (each pushed when the one before is handled) or all at once;
    CPU and Bot API calls per update, counted until SETTLE seconds after the last is handled
    (what an update leaves for a moment later, such as the ledger's batch, is in)."""
    gc.collect()
    calls_before = await thread.call(lambda: len(bot.emulator.state.calls))
    emulator_before = await thread.cpu_seconds()
    started, cpu_before = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    if mode == "one":
        for push in pushes:
            bot.probe.reset(1)
            await thread.call(push)
            await asyncio.wait_for(bot.probe.finished.wait(), 60)
    else:
        bot.probe.reset(len(pushes))
        for push in pushes:
            await thread.call(push)
        await asyncio.wait_for(bot.probe.finished.wait(), 600)
    wall = time.perf_counter() - started
    await asyncio.sleep(SETTLE)
    if profiler is not None:
        profiler.disable()
    cpu = time.process_time() - cpu_before
    emulator = await thread.cpu_seconds() - emulator_before
    made = await thread.call(
        lambda: [c.method for c in itertools.islice(bot.emulator.state.calls, calls_before, None)]
    )
    n = len(pushes)
    return {
        "cpu_ms": (cpu - emulator) * 1000 / n,
        "emulator_cpu_ms": emulator * 1000 / n,
        "wall_ms": wall * 1000 / n,
        "api_calls": sum(1 for m in made if m.lower() != "getupdates") / n,
    }


def _summary(by_bot: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for name, batches in by_bot.items():
        cpu = [b["cpu_ms"] for b in batches]
        summary[name] = {
            "cpu_ms": round(statistics.median(cpu), 3),
            "cpu_ms_batches": [round(c, 3) for c in cpu],
            **{
                key: round(statistics.median(b[key] for b in batches), 3)
                for key in ("emulator_cpu_ms", "wall_ms", "api_calls")
            },
        }
    summary["ratio"] = round(summary["crm"]["cpu_ms"] / summary["bare"]["cpu_ms"], 2)
    # The whole process, each bot's emulator included (how it was measured before).
    with_emulator = {
        name: summary[name]["cpu_ms"] + summary[name]["emulator_cpu_ms"] for name in by_bot
    }
    summary["ratio_with_emulator"] = round(with_emulator["crm"] / with_emulator["bare"], 2)
    return summary


def render(result: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    for backend, run in result["runs"].items():
        for mode in MODES:
            for kind in KINDS:
                one = run[mode][kind]
                crm, bare = one["crm"], one["bare"]
                rows.append(
                    [
                        backend,
                        mode,
                        kind,
                        crm["cpu_ms"],
                        bare["cpu_ms"],
                        one["ratio"],
                        f"{crm['emulator_cpu_ms']} / {bare['emulator_cpu_ms']}",
                        one["ratio_with_emulator"],
                        f"{crm['api_calls']:g} / {bare['api_calls']:g}",
                        f"{crm['wall_ms']} / {bare['wall_ms']}",
                        _spread(crm["cpu_ms_batches"]) + " / " + _spread(bare["cpu_ms_batches"]),
                    ]
                )
        check = run["tap_check"]
        rows.append([backend, "taps", f"{check['started']}/{check['tapped']} started", *[""] * 8])
    headers = [
        *("db", "updates", "update", "crm ms CPU", "bare ms CPU", "ratio"),
        *("emulator ms crm / bare", "ratio with emulator", "API calls crm / bare"),
        *("wall ms crm / bare", "batches crm / bare"),
    ]
    load = result.get("load_average", {})
    note = " (profiled: not comparable)" if result.get("profiled") else ""
    return (
        f"{table(headers, rows)}\nCPU per update, median of batches{note}; load average "
        f"1/5/15 min: before {load.get('before')}, after {load.get('after')}"
    )


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"
