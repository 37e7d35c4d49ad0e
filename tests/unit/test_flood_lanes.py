"""The rate limiter's lanes in one process, on a virtual clock: a reply never waits behind
queued broadcasts, each lane keeps its arrival order, the bot-wide budget is never exceeded,
and a 429 is held for the chat and waited out (bot/flood.py)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.flood import FloodControl, Lane
from bot.flood_local import LocalBudget
from bot.flood_rules import Limits


class VirtualTime:
    """A clock and a sleep: time moves only when every task waits for it, to the next wake."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._seq), future))
        await future

    async def run(self, *tasks: asyncio.Task[Any]) -> None:
        while not all(task.done() for task in tasks):
            for _ in range(50):  # everything is in memory: this settles every task
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # a sleep that was cancelled
            if self._sleepers and not all(task.done() for task in tasks):
                at, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                future.set_result(None)
        for task in tasks:
            task.result()


class Telegram:
    """Records each call's chat and the virtual moment it was made."""

    def __init__(self, time: VirtualTime, refuse: dict[int, int] | None = None) -> None:
        self.time = time
        self.sent: list[tuple[int, float]] = []
        self.refuse = dict(refuse or {})  # chat: seconds of one 429

    async def post(self, endpoint: str, data: dict[str, Any]) -> bool:
        chat = int(data["chat_id"])
        seconds = self.refuse.pop(chat, None)
        if seconds is not None:
            raise RetryAfter(seconds)
        self.sent.append((chat, self.time.now))
        return True


def limiter(time: VirtualTime, **options: Any) -> FloodControl:
    return FloodControl(LocalBudget(Limits(), time.clock), sleep=time.sleep, **options)


def send(flood: FloodControl, telegram: Telegram, chat: int, lane: Lane | None) -> Any:
    data = {"chat_id": chat, "text": "hi"}
    return asyncio.create_task(
        flood.process_request(
            telegram.post,
            ("sendMessage", data),
            {},
            "sendMessage",
            data,
            None if lane is None else {"lane": lane},
        )
    )


def most_in_one_second(moments: list[float]) -> int:
    moments = sorted(moments)
    return max(
        sum(1 for later in moments[i:] if later < first + 1.0) for i, first in enumerate(moments)
    )


async def test_a_reply_queued_after_many_broadcasts_goes_before_them():
    time = VirtualTime()
    flood, telegram = limiter(time), Telegram(time)
    broadcasts = [send(flood, telegram, chat, Lane.BROADCAST) for chat in range(1, 91)]
    await asyncio.sleep(0)
    reply = send(flood, telegram, 5000, None)  # no lane: a reply
    await time.run(*broadcasts, reply)
    chats = [chat for chat, _ in telegram.sent]
    # The first 30 had the budget before the reply came; the reply is next, not 91st.
    assert chats.index(5000) == 30
    assert chats[:30] == list(range(1, 31)) and chats[31:] == list(range(31, 91))
    assert most_in_one_second([at for _, at in telegram.sent]) == 30
    await flood.shutdown()


class LateTelegram(Telegram):
    """The first `late` calls reach Telegram (are recorded) `seconds` after they are made (a
    queue for connections, a slow network, a busy event loop), the rest at once."""

    def __init__(self, time: VirtualTime, late: int, seconds: float) -> None:
        super().__init__(time)
        self.late = late
        self.seconds = seconds

    async def post(self, endpoint: str, data: dict[str, Any]) -> bool:
        if self.late > 0:
            self.late -= 1
            await self.time.sleep(self.seconds)
        return await super().post(endpoint, data)


async def test_messages_that_reach_telegram_late_still_fit_its_window():
    """30 broadcasts reach Telegram half a second after their turns, the next 10 at once: the
    next turns wait for a window after the first 30 were answered, not after their grants."""
    time = VirtualTime()
    flood, telegram = limiter(time), LateTelegram(time, late=30, seconds=0.5)
    broadcasts = [send(flood, telegram, chat, Lane.BROADCAST) for chat in range(1, 41)]
    await time.run(*broadcasts)
    arrivals = [at for _, at in telegram.sent]
    assert arrivals[:30] == [1000.5] * 30
    # Counted from the grants, the 31st would go at 1001.1: 40 arrivals in one second.
    assert arrivals[30:] == [pytest.approx(1000.5 + 1.1)] * 10
    assert most_in_one_second(arrivals) == 30
    await flood.shutdown()


async def test_replies_keep_their_order_and_all_go_before_waiting_broadcasts():
    time = VirtualTime()
    flood, telegram = limiter(time), Telegram(time)
    broadcasts = [send(flood, telegram, chat, Lane.BROADCAST) for chat in range(1, 61)]
    await asyncio.sleep(0)
    replies = [send(flood, telegram, chat, Lane.INTERACTIVE) for chat in range(101, 141)]
    await time.run(*broadcasts, *replies)
    chats = [chat for chat, _ in telegram.sent]
    assert chats[:30] == list(range(1, 31))
    assert chats[30:70] == list(range(101, 141))  # every reply, in its order
    assert chats[70:] == list(range(31, 61))
    assert most_in_one_second([at for _, at in telegram.sent]) == 30
    await flood.shutdown()


async def test_a_reply_wakes_a_gate_that_waits_out_a_hold_on_broadcasts():
    time = VirtualTime()
    flood, telegram = limiter(time), Telegram(time)
    await flood.budget.hold(7, 30.0)  # a 429 in chat 7: that chat and broadcasts wait 30 s
    broadcast = send(flood, telegram, 8, Lane.BROADCAST)
    await asyncio.sleep(0)
    reply = send(flood, telegram, 9, None)
    await time.run(reply)
    assert telegram.sent == [(9, 1000.0)]  # at once, while the broadcast is held
    await time.run(broadcast)
    assert telegram.sent[1] == (8, 1030.0)
    await flood.shutdown()


async def test_a_cancelled_send_gives_its_place_to_the_next():
    time = VirtualTime()
    flood, telegram = limiter(time), Telegram(time)
    first = [send(flood, telegram, chat, Lane.BROADCAST) for chat in range(1, 32)]
    await asyncio.sleep(0)
    gone = send(flood, telegram, 99, Lane.BROADCAST)
    last = send(flood, telegram, 100, Lane.BROADCAST)
    for _ in range(10):
        await asyncio.sleep(0)
    gone.cancel()
    await time.run(*first, last)
    assert [chat for chat, _ in telegram.sent][-2:] == [31, 100]
    await flood.shutdown()


async def test_a_chat_goes_in_a_burst_then_one_a_second_and_a_429_holds_it():
    time = VirtualTime()
    sent: list[Lane] = []
    flood = limiter(time, on_sent=sent.append)
    telegram = Telegram(time, refuse={7: 10})
    tasks = [send(flood, telegram, 7, Lane.BROADCAST) for _ in range(5)]
    other = send(flood, telegram, 8, None)
    await time.run(*tasks, other)
    moments = [at - 1000.0 for chat, at in telegram.sent if chat == 7]
    # A burst of 3, the first refused for 10 s: the chat is held, and the two waiting for their
    # turns take new ones after the hold: one a second, no burst.
    assert moments == [0.0, 0.0, 10.0, 11.0, 12.0]
    assert (8, 1000.0) in telegram.sent  # another chat is not held
    assert sent.count(Lane.BROADCAST) == 5 and sent.count(Lane.INTERACTIVE) == 1
    await flood.shutdown()


async def test_calls_that_post_no_message_go_at_once_and_wait_out_a_429():
    time = VirtualTime()
    flood, telegram = limiter(time), Telegram(time, refuse={7: 3})
    data = {"chat_id": 7, "message_id": 1, "text": "new"}
    edit = asyncio.create_task(
        flood.process_request(
            telegram.post, ("editMessageText", data), {}, "editMessageText", data, None
        )
    )
    for _ in range(10):
        await asyncio.sleep(0)
    assert await flood.budget.chat_held(7) == 3.0  # the chat's messages wait too
    await time.run(edit)
    assert telegram.sent == [(7, 1003.0)]
    await flood.shutdown()
