"""Own bots: total sending rate of one process across N bots, each within its own limit.

One process serves the shared bot and every organization's own bot (bot/fleet.py), each
built by `build_bot` with its own rate limiter (keyed by its token). Here N such bots in one
process broadcast at once to the Telegram emulator with Telegram's flood limits on (30/s per
bot, a 429 past them), each to chats of its own; the messages the emulator accepted give the
total rate and each bot's most in any 1 s, for N = 1, 2, 5 and 10 (quick: 1 and 2).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from bench.flood import _most_in_a_second
from bench.report import machine, table, write_json
from bot.settings import Settings
from bot.telegram_bot import build_bot
from sandbox.emulator import EmulatorServer, TelegramEmulator

FULL = {"bots": [1, 2, 5, 10], "per_bot": 150}
QUICK = {"bots": [1, 2], "per_bot": 40}
BROADCAST = {"rate_limit_args": {"lane": "broadcast"}}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="a few seconds: tiny sizes")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")


def main(args: argparse.Namespace) -> int:
    sizes = QUICK if args.quick else FULL
    runs = [asyncio.run(_run(n, int(sizes["per_bot"]))) for n in sizes["bots"]]  # type: ignore[attr-defined]
    result = {"benchmark": "bots", "machine": machine(), "per_bot": sizes["per_bot"], "runs": runs}
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'bots', result)}")
    ok = all(r["messages"] == r["bots"] * sizes["per_bot"] for r in runs)  # type: ignore[operator]
    return 0 if ok else 1


def _token(i: int) -> str:
    return f"{900_000_000 + i}:BENCH-own-bot-{i:04d}-xxxxxxxxxxxxxxxxxxxx"


async def _run(bots: int, per_bot: int) -> dict[str, Any]:
    emulators = [TelegramEmulator(_token(i), rate_limits=True) for i in range(bots)]
    accepted: list[list[float]] = [[] for _ in range(bots)]
    for i, emulator in enumerate(emulators):
        for chat in range(1, per_bot + 1):
            emulator.user(chat, f"Person {chat}")
        record = emulator.limiter.record

        def counted(chat: int, moments: list[float] = accepted[i], record: Any = record) -> None:
            moments.append(time.monotonic())
            record(chat)

        emulator.limiter.record = counted  # type: ignore[method-assign]
    settings = Settings(_env_file=None, redis_url=None)  # type: ignore[call-arg]
    async with EmulatorServer(emulators[0]) as server:
        for emulator in emulators[1:]:
            server.add_bot(emulator)
        senders = [
            build_bot(settings, _token(i), 8, True, server.api_base_url, server.file_base_url)
            for i in range(bots)
        ]
        for bot in senders:
            await bot.initialize()
        try:
            started = time.monotonic()
            await asyncio.gather(
                *(
                    bot.send_message(chat, f"Broadcast {chat}", **BROADCAST)
                    for bot in senders
                    for chat in range(1, per_bot + 1)
                )
            )
            seconds = time.monotonic() - started
        finally:
            for bot in senders:
                await bot.shutdown()
    total = sum(len(m) for m in accepted)
    return {
        "bots": bots,
        "messages": total,
        "seconds": round(seconds, 2),
        "total_per_s": round(total / seconds, 1),
        "max_in_1s_per_bot": max(_most_in_a_second(sorted(m)) for m in accepted),
        "refused_429": sum(e.stats.refused_429 for e in emulators),
    }


def render(result: dict[str, Any]) -> str:
    rows = [
        [r["bots"], r["messages"], r["seconds"], r["total_per_s"], r["max_in_1s_per_bot"],
         r["refused_429"]]
        for r in result["runs"]
    ]  # fmt: skip
    headers = ["bots", "messages", "seconds", "total msg/s", "most in 1 s (a bot)", "429s"]
    return table(headers, rows)
