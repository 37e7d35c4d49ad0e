"""One bot process of `python -m bench flood` (run by it, not by hand): the production bot
(`build_bot`, so `REDIS_URL` decides where the flood budget lives) against the emulator.

`broadcast`: sends one message to each of its chats at once, all queued in the limiter, in the
broadcast lane. `taps`: answers people who tap, `--rate` a second, each reply an interactive
send, and prints every reply's time in milliseconds. `both`: the two in one process. Waits for
`--parties` processes to be ready (a counter in Redis) before sending.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from redis.asyncio import Redis
from telegram.error import TelegramError

from bot.settings import Settings
from bot.telegram_bot import build_bot


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.flood_proc")
    parser.add_argument("mode", choices=["broadcast", "taps", "both"])
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--file-url", required=True)
    parser.add_argument("--redis", required=True, help="the budget's Redis; the barrier's too")
    parser.add_argument("--shared", action="store_true", help="set REDIS_URL for the bot")
    parser.add_argument("--barrier", required=True, help="a Redis key counting ready processes")
    parser.add_argument("--parties", type=int, default=1)
    parser.add_argument("--chats", default="0:0", help="first:count, broadcast chats")
    parser.add_argument("--tap-chats", default="0:0", help="first:count, people who tap")
    parser.add_argument("--taps", type=int, default=0)
    parser.add_argument("--rate", type=float, default=2.0, help="taps a second")
    parser.add_argument("--timeout", type=float, default=60.0, help="a reply given up after")
    parser.add_argument("--no-lanes", action="store_true", help="no rate_limit_args (before)")
    return parser


def _span(value: str) -> range:
    first, count = (int(part) for part in value.split(":"))
    return range(first, first + count)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(_env_file=None, redis_url=args.redis if args.shared else None)
    bot = build_bot(settings, args.token, 8, base_url=args.base_url, base_file_url=args.file_url)
    await bot.initialize()
    lane: dict[str, Any] = {} if args.no_lanes else {"rate_limit_args": {"lane": "broadcast"}}
    result: dict[str, Any] = {}
    barrier = Redis.from_url(args.redis)
    try:
        go = f"{args.barrier}:go"
        ready = await barrier.incr(args.barrier)
        await barrier.expire(args.barrier, 120)
        if ready == args.parties:  # the last one in starts all
            await barrier.rpush(go, *["go"] * args.parties)
            await barrier.expire(go, 120)
        await barrier.blpop([go], timeout=60)
        sends = []
        if args.mode in ("broadcast", "both"):
            sends = [
                asyncio.create_task(bot.send_message(chat, "digest", **lane))
                for chat in _span(args.chats)
            ]
        if args.mode in ("taps", "both"):
            await asyncio.sleep(1.0)  # the broadcast is under way
            result["reply_ms"] = await _taps(bot, list(_span(args.tap_chats)), args)
            for send in sends:
                send.cancel()
        outcomes = await asyncio.gather(*sends, return_exceptions=True)
        result["broadcast_sent"] = sum(1 for o in outcomes if not isinstance(o, BaseException))
    finally:
        await barrier.aclose()
        await bot.shutdown()
    return result


async def _taps(bot: Any, chats: list[int], args: argparse.Namespace) -> list[float | None]:
    async def reply(chat: int) -> float | None:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(bot.send_message(chat, "reply"), args.timeout)
        except (TimeoutError, TelegramError):  # too late, or refused (429s) past the retries
            return None
        return (time.perf_counter() - started) * 1000

    replies = []
    began = time.perf_counter()
    for n in range(args.taps):
        await asyncio.sleep(max(0.0, began + n / args.rate - time.perf_counter()))
        replies.append(asyncio.create_task(reply(chats[n % len(chats)])))
    return list(await asyncio.gather(*replies))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(_parser().parse_args()))))
    sys.exit(0)
