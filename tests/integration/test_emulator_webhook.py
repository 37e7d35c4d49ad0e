"""Webhook mode: the emulator POSTs updates with the secret header, in order, with retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from sandbox.emulator import AsgiServer, EmulatorServer, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret_token-1"


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(TOKEN)


@pytest.fixture
async def server(emulator: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emulator, webhook_attempts=3, webhook_backoff=0.01) as running:
        yield running


def webhook_bot(server: EmulatorServer) -> tuple[Application, Starlette]:  # type: ignore[type-arg]
    """A bot without an Updater, fed by a Starlette route that checks the secret (PTB's way)."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.api_base_url)
        .base_file_url(server.file_base_url)
        .updater(None)
        .build()
    )

    async def telegram(request: Request) -> Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return Response(status_code=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return Response()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app, Starlette(routes=[Route("/telegram", telegram, methods=["POST"])])


async def test_webhook_delivers_in_order_with_the_secret(emulator, server):
    app, web = webhook_bot(server)
    user = emulator.user(id=5, first_name="Web")
    async with AsgiServer(web) as endpoint, app:
        await app.start()
        assert await app.bot.set_webhook(f"{endpoint.url}/telegram", secret_token=SECRET)
        for text in ("one", "two", "three"):
            await user.send(text)
        replies = [message.text for message in await user.replies(3)]
        info = await app.bot.get_webhook_info()
        with pytest.raises(Conflict, match="webhook is active"):
            await app.bot.get_updates()
        await app.stop()
    assert replies == ["echo one", "echo two", "echo three"]
    assert (info.url, info.pending_update_count) == (f"{endpoint.url}/telegram", 0)
    assert emulator.stats.webhook_delivered == 3
    assert emulator.calls_to("setWebhook")[0]["secret_token"] == SECRET


async def test_wrong_secret_is_rejected_and_retries_are_bounded(emulator, server):
    app, web = webhook_bot(server)
    user = emulator.user(id=5, first_name="Web")
    async with AsgiServer(web) as endpoint, app:
        await app.bot.set_webhook(f"{endpoint.url}/telegram", secret_token="wrong")
        await user.send("lost")
        state = emulator.state
        assert await state.notifier.wait_for(lambda: emulator.stats.webhook_failed == 1, 2)
        info = await app.bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 403"
    assert info.pending_update_count == 0, "given up after the bounded retries"
    assert user.messages() == []


async def test_unreachable_webhook_records_a_connection_error(emulator, server):
    user = emulator.user(id=5, first_name="Web")
    await emulator.call("setWebhook", {"url": "http://127.0.0.1:9/nowhere"})
    await user.send("lost")
    assert await emulator.state.notifier.wait_for(lambda: emulator.stats.webhook_failed == 1, 2)
    info = await emulator.call("getWebhookInfo")
    assert info["last_error_message"] == "Connection failed: ConnectError"


async def test_set_webhook_terminates_a_pending_long_poll(emulator, server):
    async with httpx.AsyncClient(base_url=f"{server.api_base_url}{TOKEN}/") as client:
        poll = asyncio.create_task(client.post("getUpdates", json={"timeout": 5}))
        await emulator.state.notifier.wait_for(lambda: bool(emulator.calls_to("getUpdates")), 1)
        await client.post("setWebhook", json={"url": "http://127.0.0.1:9/hook"})
        response = await asyncio.wait_for(poll, 1)
    assert response.status_code == 409
    assert response.json()["description"] == "Conflict: terminated by setWebhook request"


async def test_chats_are_delivered_concurrently_but_each_chat_in_order(emulator, server):
    """Like Telegram: the next update of a chat waits for the answer to the previous one,
    while other chats are not held up by it."""
    release = asyncio.Event()
    seen: list[tuple[int, str]] = []

    async def hook(request: Request) -> Response:
        update = await request.json()
        message = update["message"]
        seen.append((message["chat"]["id"], message["text"]))
        if message["text"] == "a1":
            await release.wait()
        return Response()

    slow, fast = emulator.user(id=5, first_name="A"), emulator.user(id=6, first_name="B")
    async with AsgiServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as web:
        await emulator.call("setWebhook", {"url": f"{web.url}/hook"})
        await slow.send("a1")
        await slow.send("a2")
        await fast.send("b1")
        state = emulator.state
        assert await state.notifier.wait_for(lambda: (6, "b1") in seen, 2)
        assert (5, "a2") not in seen, "a chat's next update waits for the previous answer"
        release.set()
        assert await state.notifier.wait_for(lambda: len(seen) == 3, 2)
    assert seen == [(5, "a1"), (6, "b1"), (5, "a2")]
    assert emulator.stats.webhook_delivered == 3
