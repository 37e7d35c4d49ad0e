"""The sandbox's live event stream over real HTTP, and that it never holds up a shutdown."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.emulator import AsgiServer, TelegramEmulator
from sandbox.web import SandboxServer, build_sandbox_app, hub_of

TOKEN = "123456:TEST-TOKEN"
Frames = AsyncIterator[str]


@pytest.fixture
def emulator() -> TelegramEmulator:
    emulator = TelegramEmulator(TOKEN, bot_username="astracrm_bot")
    emulator.user(700_000_001, "Olga", language_code="ru")
    return emulator


@pytest.fixture
async def server(emulator) -> AsyncIterator[SandboxServer]:
    server = SandboxServer(emulator, port=0)
    await server.start()
    yield server
    await server.stop()


async def next_event(lines: Frames) -> tuple[str, dict]:
    """The next `event:` + `data:` pair (comments and the retry line are skipped)."""
    kind = ""
    async with asyncio.timeout(5):
        async for line in lines:
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                return kind, json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended")


async def test_a_bot_message_and_its_edit_arrive_as_views(server, emulator):
    async with (
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", f"{server.url}/api/events") as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.aiter_lines()
        assert await anext(lines) == "retry: 2000"
        markup = {"inline_keyboard": [[{"text": "Open", "callback_data": "o"}]]}
        sent = await emulator.call(
            "sendMessage",
            {"chat_id": 700_000_001, "text": "<b>New</b> order", "parse_mode": "HTML",
             "reply_markup": markup},
        )  # fmt: skip
        kind, data = await next_event(lines)
        assert (kind, data["chat_id"]) == ("message", 700_000_001)
        view = data["message"]
        assert (view["id"], view["from"], view["html"]) == (
            sent["message_id"],
            "bot",
            "<b>New</b> order",
        )
        assert view["buttons"][0][0]["label"] == "Open"

        edit = {"chat_id": 700_000_001, "message_id": sent["message_id"], "text": "Taken"}
        await emulator.call("editMessageText", edit)
        kind, data = await next_event(lines)
        assert (kind, data["message"]["text"], data["message"]["edited"]) == (
            "edited",
            "Taken",
            True,
        )
        assert data["message"]["buttons"] == [], "an edit without markup drops the keyboard"


async def test_answers_actions_deletions_and_persona_changes_are_streamed(server, emulator):
    olga = emulator.user(700_000_001)
    async with (
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", f"{server.url}/api/events") as response,
    ):
        lines = response.aiter_lines()
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        sent = await emulator.call(
            "sendMessage", {"chat_id": olga.id, "text": "Pick", "reply_markup": markup}
        )
        await next_event(lines)
        await olga.tap("Go")
        query_id = emulator.state.updates[-1]["callback_query"]["id"]
        answer = {"callback_query_id": query_id, "text": "Done!", "show_alert": True}
        await emulator.call("answerCallbackQuery", answer)
        await emulator.call("sendChatAction", {"chat_id": olga.id, "action": "typing"})
        await emulator.call(
            "deleteMessage", {"chat_id": olga.id, "message_id": sent["message_id"]}
        )
        await http.post(f"{server.url}/api/personas", json={"first_name": "Mary"})
        events = [await next_event(lines) for _ in range(4)]
    kinds = [kind for kind, _ in events]
    assert kinds == ["callback_answer", "chat_action", "deleted", "personas"]
    answered, action, deleted, personas = (data for _, data in events)
    assert (answered["chat_id"], answered["text"], answered["show_alert"]) == (
        olga.id,
        "Done!",
        True,
    )
    assert (action["chat_id"], action["action"]) == (olga.id, "typing")
    assert deleted == {"chat_id": olga.id, "message_id": sent["message_id"]}
    assert [p["first_name"] for p in personas["personas"]] == ["Olga", "Mary"]


async def test_keep_alive_comments_flow_while_nothing_happens(emulator):
    app = build_sandbox_app(emulator, keepalive=0.05)
    async with (
        AsgiServer(app) as server,
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", f"{server.url}/api/events") as response,
    ):
        lines = response.aiter_lines()
        async with asyncio.timeout(5):
            seen = [await anext(lines) for _ in range(6)]
        hub_of(app).close()
    assert seen.count(": keep-alive") >= 2


async def test_stopping_the_server_ends_open_streams_at_once(emulator):
    server = SandboxServer(emulator, port=0)
    await server.start()
    url = f"{server.url}/api/events"
    async with (
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", url) as first,
        http.stream("GET", url) as second,
    ):
        streams = [first.aiter_lines(), second.aiter_lines()]
        for lines in streams:
            assert await anext(lines) == "retry: 2000"
        assert server.hub.open_streams == 2
        started = time.monotonic()
        await server.stop()
        stopped_in = time.monotonic() - started
        leftovers = [[line async for line in lines] for lines in streams]
    assert stopped_in < 1.0, f"stop took {stopped_in:.2f}s"
    assert all(line.startswith(":") or not line for rest in leftovers for line in rest)
    assert server.hub.open_streams == 0


async def test_closing_the_emulator_ends_streams_on_a_plain_server(emulator):
    app = build_sandbox_app(emulator)
    async with AsgiServer(app) as server, httpx.AsyncClient(timeout=5) as http:
        async with http.stream("GET", f"{server.url}/api/events") as response:
            lines = response.aiter_lines()
            await anext(lines)
            emulator.close()
            async with asyncio.timeout(2):
                rest = [line async for line in lines]
        assert all(not line or line.startswith(":") for line in rest)


async def test_a_client_that_goes_away_is_unsubscribed(server, emulator):
    async with (
        httpx.AsyncClient(timeout=5) as http,
        http.stream("GET", f"{server.url}/api/events") as response,
    ):
        await anext(response.aiter_lines())
        assert server.hub.open_streams == 1
    for _ in range(500):  # the server notices the disconnect on its next loop turns
        if server.hub.open_streams == 0:
            break
        await asyncio.sleep(0.01)
    assert server.hub.open_streams == 0
    await emulator.call("sendMessage", {"chat_id": 700_000_001, "text": "nobody listens"})


async def test_a_stream_opened_after_close_ends_immediately(server):
    server.hub.close()
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{server.url}/api/events")
    assert response.text == "retry: 2000\n: connected\n\n"
