"""The emulator's HTTP surface with a plain httpx client: bodies, envelopes and getUpdates."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.emulator import EmulatorServer, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def emulator() -> TelegramEmulator:
    emulator = TelegramEmulator(TOKEN)
    emulator.user(id=42, first_name="Ann")
    return emulator


@pytest.fixture
async def client(emulator: TelegramEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        EmulatorServer(emulator) as server,
        httpx.AsyncClient(base_url=f"{server.api_base_url}{TOKEN}/") as client,
    ):
        yield client


async def test_json_urlencoded_multipart_and_query_bodies(client, emulator):
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    as_json = await client.post("sendMessage", json={"chat_id": 42, "text": "json"})
    as_form = await client.post(
        "sendMessage",
        data={"chat_id": "42", "text": "123", "reply_markup": json.dumps(markup)},
    )
    as_multipart = await client.post(
        "sendDocument",
        data={"chat_id": "42", "caption": "multi"},
        files={"document": ("notes.txt", b"file body", "text/plain")},
    )
    as_query = await client.get("sendMessage", params={"chat_id": 42, "text": "query"})
    results = [r.json()["result"] for r in (as_json, as_form, as_multipart, as_query)]
    assert [r.get("text", r.get("caption")) for r in results] == ["json", "123", "multi", "query"]
    assert results[1]["reply_markup"] == markup, "url-encoded JSON values are decoded"
    assert results[2]["document"]["file_name"] == "notes.txt"
    assert emulator.calls_to("sendMessage")[1]["reply_markup"] == markup


async def test_error_envelopes(client):
    unknown = await client.post("sendTelepathy", json={})
    missing_chat = await client.post("sendMessage", json={"text": "hi"})
    missing_text = await client.post("sendMessage", json={"chat_id": 42})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert missing_chat.json()["description"] == "Bad Request: chat_id is empty"
    assert (missing_text.status_code, missing_text.json()["description"]) == (
        400,
        "Bad Request: message text is empty",
    )


async def test_wrong_token_is_unauthorized(client):
    response = await client.post(f"{client.base_url.join('/bot1:nope/getMe')}")
    assert (response.status_code, response.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_get_me_has_a_username(client):
    me = (await client.get("getMe")).json()["result"]
    assert (me["id"], me["is_bot"], me["username"]) == (123456, True, "test_bot")


async def test_get_updates_offset_limit_and_negative_offset(client, emulator):
    user = emulator.user(id=42)
    for text in ("a", "b", "c"):
        await user.send(text)

    async def texts(**params) -> list[str]:
        updates = (await client.post("getUpdates", json=params)).json()["result"]
        return [update["message"]["text"] for update in updates]

    assert await texts(limit=2) == ["a", "b"]
    first_id = emulator.state.updates[0]["update_id"]
    assert await texts(offset=first_id + 1) == ["b", "c"]
    assert await texts() == ["b", "c"], "unconfirmed updates are redelivered"
    assert await texts(offset=-1) == ["c"]
    assert await texts(offset=first_id + 3) == []


async def test_long_poll_wakes_on_a_new_update_and_times_out_when_idle(client, emulator):
    assert (await client.post("getUpdates", json={"timeout": 0.05})).json()["result"] == []
    poll = asyncio.create_task(client.post("getUpdates", json={"timeout": 5}))
    await emulator.state.notifier.wait_for(lambda: bool(emulator.calls_to("getUpdates")[1:]), 1)
    await emulator.user(id=42).send("wake up")
    response = await asyncio.wait_for(poll, 1)
    assert response.json()["result"][0]["message"]["text"] == "wake up"


async def test_allowed_updates_filter(client, emulator):
    user = emulator.user(id=42)
    await user.send("text")
    await emulator.call(
        "sendMessage",
        {
            "chat_id": 42,
            "text": "buttons",
            "reply_markup": {"inline_keyboard": [[{"text": "B", "callback_data": "b"}]]},
        },
    )
    await user.tap("B")
    params = {"allowed_updates": json.dumps(["callback_query"])}
    updates = (await client.post("getUpdates", data=params)).json()["result"]
    assert [next(k for k in u if k != "update_id") for u in updates] == ["callback_query"]


async def test_answers_and_chat_metadata(client, emulator):
    bad_answer = await client.post("answerCallbackQuery", json={"callback_query_id": "nope"})
    chat = (await client.post("getChat", json={"chat_id": 42})).json()["result"]
    action = await client.post("sendChatAction", json={"chat_id": 42, "action": "dancing"})
    menu = await client.post("setChatMenuButton", json={"menu_button": {"type": "commands"}})
    assert bad_answer.json()["description"].startswith("Bad Request: query is too old")
    assert (chat["type"], chat["first_name"]) == ("private", "Ann")
    assert action.json()["description"] == "Bad Request: wrong parameter action in request"
    assert menu.json() == {"ok": True, "result": True}
