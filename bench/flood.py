"""Shared flood limits: the total rate of 3 bot processes, and replies during a 10k broadcast.

Every bot process is the production bot (`build_bot`) in an OS process of its own
(bench/flood_proc.py), sending to the Telegram emulator in this process with Telegram's flood
limits on (30/s for the bot, a 429 past them). With `REDIS_URL` the processes share one budget
in Redis (bot/flood_redis.py); `--local` gives each its own, as before.

- shared: 3 processes broadcast at once; the messages the emulator accepted give the total
  rate (most in any 1 s, mean), each process's share, and the 429s.
- replies: one process queues a 10k-message broadcast; people tap, 4 a second, and each reply
  is an interactive send, from another process (bot and worker) and from the same process;
  the reply's p95 must stay under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bench.report import machine, percentiles, table, write_json
from sandbox.emulator import EmulatorServer, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
FULL = {"per_process": 300, "broadcast": 10_000, "taps": 120, "tap_rate": 4.0}
QUICK = {"per_process": 15, "broadcast": 300, "taps": 12, "tap_rate": 10.0}
TAPPERS = 40  # each person taps every 10 s (quick: 4 s): their chat's 1/s never binds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="a few seconds: tiny sizes")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--local", action="store_true", help="no REDIS_URL: a budget each")
    parser.add_argument("--no-lanes", action="store_true", help="send without lanes (before)")
    parser.add_argument("--redis", default=REDIS_URL, help="Redis for the budget")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    result = asyncio.run(run(args))
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'flood', result)}")
    # Delivered and served; the rate is reported (arrivals jitter: the guarantee is on the
    # budget's turns, checked in tests/integration/test_flood_redis.py).
    shared = result["shared"]
    expected = args.processes * (QUICK if args.quick else FULL)["per_process"]
    ok = shared["messages"] == expected and all(p["sent"] > 0 for p in shared["processes"])
    ok = ok and all(r["unanswered"] == 0 for r in result["replies"].values())
    return 0 if ok or args.local else 1


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = QUICK if args.quick else FULL
    redis = Redis.from_url(args.redis)
    try:
        await redis.ping()
    finally:
        await redis.aclose()
    places = ("other process", "same process")
    if args.quick:  # a smoke run: all at once (each has its own bot, so its own budget)
        shared, *measured = await asyncio.gather(
            _shared(args, int(sizes["per_process"])), *(_replies(args, sizes, p) for p in places)
        )
        replies = dict(zip(places, measured, strict=True))
    else:
        shared = await _shared(args, int(sizes["per_process"]))
        replies = {place: await _replies(args, sizes, place) for place in places}
    return {
        "benchmark": "flood",
        "machine": machine(),
        "settings": {
            "quick": args.quick,
            "processes": args.processes,
            "budget": "per process" if args.local else "Redis",
            "lanes": not args.no_lanes,
            **sizes,
        },
        "shared": shared,
        "replies": replies,
    }


class Run:
    """The emulator (Telegram's limits on) and the bot processes of one measurement."""

    def __init__(self, args: argparse.Namespace, chats: int) -> None:
        self.args = args
        self.token = f"{secrets.randbelow(10**9) + 10**9}:BENCH-flood-{secrets.token_hex(8)}"
        self.emulator = TelegramEmulator(self.token, rate_limits=True)
        for chat in range(1, chats + 1):
            self.emulator.user(chat, f"Person {chat}")
        self.accepted: list[tuple[float, int]] = []  # (when, chat)
        record = self.emulator.limiter.record

        def counted(chat: int) -> None:
            self.accepted.append((time.monotonic(), chat))
            record(chat)

        self.emulator.limiter.record = counted  # type: ignore[method-assign, assignment]
        self.barrier = f"bench:flood:{uuid.uuid4().hex}"

    async def start(self, server: EmulatorServer, mode: str, parties: int, *extra: str) -> Any:
        args = self.args
        command = [
            sys.executable, "-m", "bench.flood_proc", mode, "--token", self.token,
            "--base-url", server.api_base_url, "--file-url", server.file_base_url,
            "--redis", args.redis, "--barrier", self.barrier, "--parties", str(parties),
            *([] if args.local else ["--shared"]), *(["--no-lanes"] if args.no_lanes else []),
            *extra,
        ]  # fmt: skip
        return await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdout=subprocess.PIPE)


async def _shared(args: argparse.Namespace, per_process: int) -> dict[str, Any]:
    run = Run(args, args.processes * per_process)
    async with EmulatorServer(run.emulator) as server:
        procs = [
            await run.start(
                server,
                "broadcast",
                args.processes,
                "--chats",
                f"{1 + i * per_process}:{per_process}",
            )
            for i in range(args.processes)
        ]
        for proc in procs:
            await proc.communicate()
    moments = sorted(at for at, _ in run.accepted)
    span = moments[-1] - moments[0] if len(moments) > 1 else 0.0
    shares = [
        sum(1 for _, chat in run.accepted if (chat - 1) // per_process == i)
        for i in range(args.processes)
    ]
    return {
        "messages": len(moments),
        "seconds": round(span, 2),
        "mean_per_s": round((len(moments) - 1) / span, 1) if span else None,
        "max_in_1s": _most_in_a_second(moments),
        "refused_429": run.emulator.stats.refused_429,
        "processes": [
            {"process": i + 1, "sent": n, "share": round(n / max(1, len(moments)), 3)}
            for i, n in enumerate(shares)
        ],
    }


async def _replies(args: argparse.Namespace, sizes: dict[str, Any], where: str) -> dict[str, Any]:
    broadcast, taps, rate = sizes["broadcast"], sizes["taps"], sizes["tap_rate"]
    run = Run(args, broadcast + TAPPERS)
    tappers = f"{broadcast + 1}:{TAPPERS}"
    timing = ["--taps", str(taps), "--rate", str(rate), "--tap-chats", tappers]
    async with EmulatorServer(run.emulator) as server:
        if where == "same process":
            proc = await run.start(server, "both", 1, "--chats", f"1:{broadcast}", *timing)
            out, _ = await proc.communicate()
        else:
            worker = await run.start(server, "broadcast", 2, "--chats", f"1:{broadcast}")
            bot = await run.start(server, "taps", 2, *timing)
            out, _ = await bot.communicate()
            worker.terminate()
            await worker.wait()
    replies = json.loads(out)["reply_ms"]
    answered = [ms for ms in replies if ms is not None]
    moments = sorted(at for at, chat in run.accepted if chat <= broadcast)
    span = moments[-1] - moments[0] if len(moments) > 1 else 0.0
    return {
        "taps": len(replies),
        "unanswered": len(replies) - len(answered),
        "reply_ms": percentiles(answered) if len(answered) == len(replies) else None,
        "reply_ms_answered": percentiles(answered),
        "broadcast_sent": len(moments),
        "broadcast_per_s": round((len(moments) - 1) / span, 1) if span else None,
        "max_in_1s": _most_in_a_second(sorted(at for at, _ in run.accepted)),
        "refused_429": run.emulator.stats.refused_429,
    }


def _most_in_a_second(moments: list[float]) -> int:
    most, first = 0, 0
    for last, at in enumerate(moments):
        while at - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def render(result: dict[str, Any]) -> str:
    s = result["shared"]
    shares = ", ".join(f"{p['sent']} ({p['share']:.0%})" for p in s["processes"])
    lines = [
        f"{result['settings']['processes']} processes, budget {result['settings']['budget']}: "
        f"{s['messages']} messages in {s['seconds']} s, mean {s['mean_per_s']}/s, "
        f"most in 1 s {s['max_in_1s']}, 429s {s['refused_429']}; per process {shares}",
        "",
    ]
    rows = []
    for where, r in result["replies"].items():
        ms = r["reply_ms_answered"]  # of the replies that came (see "unanswered")
        sent = [r["broadcast_per_s"], r["max_in_1s"], r["refused_429"]]
        rows.append([where, r["taps"], r["unanswered"], ms["p50"], ms["p95"], ms["max"], *sent])
    headers = ["replies from", "taps", "unanswered", "p50 ms", "p95 ms", "max ms"]
    headers += ["broadcast/s", "most in 1 s", "429s"]
    return "\n".join(lines) + table(headers, rows)
