"""Watching the emulator: each Bot API call as it arrives and as it succeeds (before the answer
leaves), each webhook delivery around its POST; retries of a webhook can wait at most a cap."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.emulator import AsgiServer, EmulatorServer, Seen, TelegramEmulator
from sandbox.emulator.errors import BotApiError
from sandbox.emulator.webhook import WebhookDeliverer

TOKEN = "123456:TEST-TOKEN"


async def test_a_watcher_sees_each_call_arrive_and_succeed_until_unwatched():
    emulator = TelegramEmulator(TOKEN)
    olga = emulator.user(1, "Olga")
    seen: list[Seen] = []
    unwatch = emulator.watch(seen.append)
    await emulator.call("sendMessage", {"chat_id": olga.id, "text": "hi"})
    with contextlib.suppress(BotApiError):
        await emulator.call("sendMessage", {"chat_id": 999, "text": "nobody"})
    unwatch()
    await emulator.call("getMe")
    arrived, answered, refused = seen
    assert (arrived.method, arrived.answered, arrived.params["text"]) == (
        "sendMessage",
        False,
        "hi",
    )
    assert answered.answered and answered.result["text"] == "hi"
    assert olga.messages()[0].text == "hi", "recorded before the watcher was told"
    assert not refused.answered and refused.params["chat_id"] == 999  # no success, no second


async def test_a_watcher_acts_before_the_answer_leaves():
    """What a test kills the bot on: Telegram has the message, the bot never reads it."""
    emulator = TelegramEmulator(TOKEN)
    emulator.user(1, "Olga")
    order: list[str] = []
    emulator.watch(lambda seen: order.append("watched") if seen.answered else None)
    async with EmulatorServer(emulator) as server, httpx.AsyncClient() as web:
        answer = await web.post(
            f"{server.api_base_url}{TOKEN}/sendMessage", json={"chat_id": 1, "text": "x"}
        )
        order.append("answered")
    assert answer.json()["ok"] and order == ["watched", "answered"]


async def test_webhook_posts_are_watched_and_retries_wait_at_most_the_cap():
    emulator = TelegramEmulator(TOKEN)
    olga = emulator.user(1, "Olga")
    failures = 3
    posted: list[int] = []

    async def hook(request: Request) -> Response:
        posted.append(1)
        return Response(status_code=502 if len(posted) <= failures else 200)

    seen: list[Seen] = []
    emulator.watch(lambda s: seen.append(s) if s.method == "webhook" else None)
    async with AsgiServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as web:
        deliverer = WebhookDeliverer(
            emulator.state, max_attempts=10, backoff=0.05, max_backoff=0.1
        )
        await emulator.call("setWebhook", {"url": f"{web.url}/hook"})
        running = asyncio.create_task(deliverer.run())
        await olga.send("hello")
        assert await emulator.state.notifier.wait_for(lambda: not emulator.state.updates, 10)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await deliverer.aclose()
    assert len(posted) == failures + 1
    assert [deliverer.retry_wait(n) for n in range(4)] == [0.05, 0.1, 0.1, 0.1]
    assert WebhookDeliverer(emulator.state, backoff=0.05).retry_wait(3) == 0.4  # no cap
    assert [s.answered for s in seen] == [False] * (failures + 1) + [True]
    assert seen[-1].params["message"]["text"] == "hello"
