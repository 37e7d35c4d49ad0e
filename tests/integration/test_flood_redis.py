"""Telegram's flood limits in Redis for every process (bot/flood_redis.py), against a real
Redis: the same rules as in one process (each rule is checked on both budgets, on an injected
clock), a budget several limiters and several OS processes share atomically, a 429 one
instance saw holding the others, and a process that paces itself while Redis is away."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram.error import RetryAfter

from bot.flood import FloodControl, Lane
from bot.flood_local import LocalBudget
from bot.flood_redis import RedisBudget
from bot.flood_rules import Budget, Limits
from bot.settings import Settings
from bot.telegram_bot import build_bot

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2.0)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        pytest.skip(
            f"Redis not reachable at {REDIS_URL} ({type(error).__name__}); .ci/run starts it"
        )
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    """A key prefix of this test alone, removed afterwards."""
    name = f"test:flood:{{{uuid.uuid4().hex}}}"
    yield name
    keys = [key async for key in redis.scan_iter(match=f"{name}*")]
    if keys:
        await redis.delete(*keys)


Factory = Callable[[], Budget]


@pytest.fixture(params=["local", "redis"])
def budgets(request: pytest.FixtureRequest, clock: Clock) -> Factory:
    """Budgets that share one state: the same object in one process, or Redis."""
    if request.param == "local":
        local = LocalBudget(Limits(), clock)
        return lambda: local
    redis, prefix = request.getfixturevalue("redis"), request.getfixturevalue("prefix")
    return lambda: RedisBudget(redis, prefix, Limits(), clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_a_private_chat_goes_in_a_burst_of_three_then_one_a_second(budgets, clock):
    a, b = budgets(), budgets()
    waits = [await (a if n % 2 else b).chat_turn(42) for n in range(5)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert await a.chat_turn(43) == 0.0  # another chat is not held up
    clock.now += 10
    assert await b.chat_turn(42) == 0.0


async def test_a_group_gets_twenty_a_minute(budgets, clock):
    a, b = budgets(), budgets()
    waits = [await (a if n % 2 else b).chat_turn(-100) for n in range(21)]
    assert waits[:20] == [0.0] * 20 and waits[20] == 60.0
    clock.now += 30
    assert await a.chat_turn("@channel") == 0.0
    assert await a.chat_turn(-100) == 30.0  # the 22nd: with the 21st, a minute after the 2nd


async def test_thirty_a_second_for_the_bot_and_a_reserve_for_replies(budgets, clock):
    a, b = budgets(), budgets()
    grants = [(await (a if n % 2 else b).bot_turn(Lane.BROADCAST)).granted for n in range(31)]
    assert grants == [True] * 30 + [False]
    clock.now += 0.5
    turn = await a.bot_turn(Lane.INTERACTIVE)
    # Counted over 1.1 s (`margin`: a message arrives a little after its turn).
    assert (turn.granted, turn.wait) == (False, pytest.approx(0.6))
    clock.now += 0.6  # the first 30 are 1.1 s old
    assert (await b.bot_turn(Lane.INTERACTIVE)).granted
    # Someone was answered: for `linger` seconds broadcasts leave 5 of the 30 to replies.
    broadcasts = [(await a.bot_turn(Lane.BROADCAST)).granted for _ in range(30)]
    assert broadcasts.count(True) == 24  # 25 of the window, one of which the reply took
    replies = [(await b.bot_turn(Lane.INTERACTIVE)).granted for _ in range(6)]
    assert replies == [True] * 5 + [False]
    clock.now += 6  # nobody answered for longer than `linger`: the whole budget again
    assert sum([(await a.bot_turn(Lane.BROADCAST)).granted for _ in range(31)]) == 30


async def test_a_turn_counts_from_its_answer_once_its_message_was_sent(budgets, clock):
    """A message reaches Telegram after its turn: once answered, it counts from the answer."""
    a, b = budgets(), budgets()
    turns = [await (a if n % 2 else b).bot_turn(Lane.BROADCAST) for n in range(30)]
    clock.now += 0.2
    for n, turn in enumerate(turns):  # answered 0.2 s after their turns, by either instance
        await (b if n % 2 else a).sent(turn)
    clock.now += 0.95  # 1.15 s after the turns, 0.95 s after the answers
    turn = await a.bot_turn(Lane.BROADCAST)
    assert (turn.granted, turn.wait) == (False, pytest.approx(0.15))
    clock.now += 0.15
    turns = [await b.bot_turn(Lane.BROADCAST) for _ in range(31)]
    assert [turn.granted for turn in turns] == [True] * 30 + [False]
    clock.now += 2.0  # answers 2 s after the turns, which had left the window: back in it
    for turn in turns[:29]:
        await a.sent(turn)
    clock.now += 1.2  # those 29 have left it again; the 30th is answered only now
    await a.sent(turns[29])
    assert sum([(await a.bot_turn(Lane.BROADCAST)).granted for _ in range(30)]) == 29


async def test_a_429_in_a_chat_holds_it_and_broadcasts_for_every_instance(budgets, clock):
    a, b = budgets(), budgets()
    await a.hold(7, 5.0)
    assert await b.chat_held(7) == 5.0
    assert await b.chat_turn(7) == 5.0  # then one a second, no burst
    assert await b.chat_turn(7) == 6.0
    assert await b.chat_turn(8) == 0.0
    turn = await b.bot_turn(Lane.BROADCAST)
    assert (turn.granted, turn.wait) == (False, 5.0)
    assert (await b.bot_turn(Lane.INTERACTIVE)).granted  # replies to other chats go on
    clock.now += 5
    assert (await b.bot_turn(Lane.BROADCAST)).granted


async def test_a_429_outside_any_chat_holds_the_whole_bot(budgets, clock):
    a, b = budgets(), budgets()
    await a.hold(None, 3.0)
    for lane in Lane:
        turn = await b.bot_turn(lane)
        assert (turn.granted, turn.wait) == (False, 3.0)
    clock.now += 3
    assert (await b.bot_turn(Lane.INTERACTIVE)).granted


async def test_a_429_one_limiter_saw_holds_the_chat_for_another(redis, prefix, clock):
    """Through FloodControl: A's send is refused for 12 s; while A waits, B sees the hold."""
    a = RedisBudget(redis, prefix, Limits(), clock)
    b = RedisBudget(redis, prefix, Limits(), clock)
    seen_by_b: list[float] = []

    async def sleep(seconds: float) -> None:
        seen_by_b.append(await b.chat_held(77))
        clock.now += seconds

    calls = 0

    async def refused_once(endpoint: str, data: dict[str, object]) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(12)
        return True

    flood = FloodControl(a, sleep=sleep)
    data = {"chat_id": 77, "text": "hi"}
    await flood.process_request(refused_once, ("sendMessage", data), {}, "sendMessage", data, None)
    assert calls == 2 and seen_by_b == [12.0]
    assert await b.chat_turn(77) == 1.0  # after A's retry: one a second, no burst


async def test_processes_sharing_redis_never_exceed_the_limit_and_all_are_served(redis, prefix):
    """Three OS processes ask one Redis for 60 grants each, at 30 per 0.2 s (Telegram's rule
    on a faster clock, to keep the test short); the grant times are Redis's, from the script."""
    script = (
        "import asyncio, json, sys\n"
        "from redis.asyncio import Redis\n"
        "from bot.flood_redis import RedisBudget\n"
        "from bot.flood_rules import Lane, Limits\n"
        "async def main(url, prefix, lane):\n"
        "    client = Redis.from_url(url)\n"
        "    budget = RedisBudget(client, prefix, Limits(window=0.2, margin=0.0))\n"
        "    await client.incr(prefix + ':ready')\n"
        "    while int(await client.get(prefix + ':ready')) < 3:\n"
        "        await asyncio.sleep(0.005)\n"
        "    grants = []\n"
        "    while len(grants) < 60:\n"
        "        turn = await budget.bot_turn(Lane(lane))\n"
        "        if turn.granted:\n"
        "            grants.append(round(turn.at * 1e6))\n"
        "        else:\n"
        "            await asyncio.sleep(turn.wait)\n"
        "    await client.aclose()\n"
        "    print(json.dumps(grants))\n"
        "asyncio.run(main(*sys.argv[1:]))\n"
    )
    lanes = ["broadcast", "broadcast", "interactive"]
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, REDIS_URL, prefix, lane,
            cwd=ROOT, stdout=subprocess.PIPE,
        )
        for lane in lanes
    ]  # fmt: skip
    outputs = [await asyncio.wait_for(p.communicate(), 60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0]
    grants = [json.loads(out) for out, _ in outputs]
    assert [len(each) for each in grants] == [60, 60, 60]  # every process served
    moments = sorted(at for each in grants for at in each)
    window_us = 200_000
    # Never 31 grants within one window: the 31st is at least a window after the 1st.
    assert all(
        later - first >= window_us for first, later in zip(moments, moments[30:], strict=False)
    )


async def test_while_redis_is_away_each_process_paces_itself(caplog):
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    clock = Clock()
    budget = RedisBudget(client, "test:flood:{away}", Limits(), fallback_clock=clock)
    with caplog.at_level(logging.WARNING, logger="bot.flood_redis"):
        first = await budget.bot_turn(Lane.BROADCAST)
        clock.now += first.wait  # the last window's turns are in Redis: it waits them out
        grants = [(await budget.bot_turn(Lane.BROADCAST)).granted for _ in range(31)]
        waits = [await budget.chat_turn(5) for _ in range(4)]
    assert (first.granted, first.wait) == (False, pytest.approx(1.1))
    assert grants == [True] * 30 + [False]
    assert waits == [0.0, 0.0, 0.0, 1.0]
    assert len([r for r in caplog.records if "Redis unreachable" in r.getMessage()]) == 1
    await budget.close()


async def test_the_bot_shares_its_budget_through_redis_when_redis_url_is_set(redis):
    settings = Settings(_env_file=None, redis_url=REDIS_URL)  # type: ignore[call-arg]
    bot = build_bot(settings, "987654:TOKEN-abcdefghijklmnopqrstuvwxyz", 4)
    limiter = bot.rate_limiter
    assert isinstance(limiter, FloodControl) and isinstance(limiter.budget, RedisBudget)
    assert limiter.budget.prefix == "astracrm:flood:{987654}"  # one budget per bot token
    await limiter.shutdown()
    plain = build_bot(Settings(_env_file=None), "987654:TOKEN-abcdefghijklmnopqrstuvwxyz", 4)  # type: ignore[call-arg]
    assert isinstance(plain.rate_limiter, FloodControl)
    assert isinstance(plain.rate_limiter.budget, LocalBudget)


def test_redis_url_is_a_redis_url_or_unset():
    assert Settings(_env_file=None, redis_url="").redis_url is None  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="redis://"):
        Settings(_env_file=None, redis_url="http://127.0.0.1:6379")  # type: ignore[call-arg]
