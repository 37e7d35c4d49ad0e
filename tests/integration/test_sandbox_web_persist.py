"""The sandbox world on disk: a restart keeps personas, chats, files, menus and update ids."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from sandbox.emulator import TelegramEmulator
from sandbox.web import (
    SandboxServer,
    WorldAutosave,
    build_sandbox_app,
    load_world,
    persist,
    save_world,
)
from tests.integration.test_sandbox_web import png

TOKEN = "123456:TEST-TOKEN"


async def lived_in_world() -> TelegramEmulator:
    """Two personas, both sides talking, a photo, an edit, a deletion, menus, pending updates."""
    emulator = TelegramEmulator(TOKEN, bot_username="astracrm_bot")
    olga = emulator.user(700_000_001, "Olga", last_name="S", language_code="ru",
                         username="olga_owner", phone_number="+79990001122")  # fmt: skip
    mary = emulator.user(700_000_002, "Mary", language_code="en")
    await olga.send("/start")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    hello = {"chat_id": olga.id, "text": "<b>Hi</b>", "parse_mode": "HTML", "reply_markup": markup}
    first = await emulator.call("sendMessage", hello)
    edit = {"chat_id": olga.id, "message_id": first["message_id"], "text": "<i>Hi again</i>"}
    await emulator.call("editMessageText", {**edit, "parse_mode": "HTML", "reply_markup": markup})
    gone = await emulator.call("sendMessage", {"chat_id": olga.id, "text": "oops"})
    await emulator.call("deleteMessage", {"chat_id": olga.id, "message_id": gone["message_id"]})
    await olga.send_photo(png(), caption="kitchen")
    await olga.tap("Go")  # a callback query the next run could not answer
    keyboard = {"keyboard": [["Yes", "No"]], "one_time_keyboard": True}
    await emulator.call(
        "sendMessage", {"chat_id": mary.id, "text": "Sure?", "reply_markup": keyboard}
    )
    commands = [{"command": "team", "description": "Team"}]
    scope = {"type": "chat", "chat_id": olga.id}
    await emulator.call(
        "setMyCommands", {"commands": commands, "scope": scope, "language_code": "ru"}
    )
    return emulator


async def views(emulator: TelegramEmulator, chat_id: int) -> dict:
    app = build_sandbox_app(emulator)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        return (await client.get(f"/api/chats/{chat_id}/messages")).json()


async def test_a_saved_world_comes_back_whole(tmp_path):
    before = await lived_in_world()
    path = tmp_path / "world.json"
    save_world(before, path)
    after = TelegramEmulator(TOKEN, bot_username="astracrm_bot")
    assert load_world(after, path) is True

    for chat_id in (700_000_001, 700_000_002):
        assert await views(after, chat_id) == await views(before, chat_id)
    olga = after.user(700_000_001)
    assert olga.user["username"] == "olga_owner"
    assert olga.phone_number == "+79990001122"
    assert olga.commands() == [("team", "Team")]
    assert after.chat(700_000_001).next_message_id == before.chat(700_000_001).next_message_id

    pending = [next(k for k in u if k != "update_id") for u in after.state.updates]
    assert pending == ["message", "message"], "the unanswerable callback query is dropped"
    await olga.send("after the restart")
    assert after.state.updates[-1]["update_id"] == before.state.next_update_id
    assert after.state.updates[-1]["message"]["message_id"] == before.chat(olga.id).next_message_id


async def test_files_come_back_and_new_ones_never_reuse_their_ids(tmp_path):
    before = await lived_in_world()
    path = tmp_path / "world.json"
    save_world(before, path)
    after = TelegramEmulator(TOKEN)
    load_world(after, path)
    assert {f: s.data for f, s in after.state.files.items()} == {
        f: s.data for f, s in before.state.files.items()
    }
    old_ids = set(after.state.files)
    photo = after.user(700_000_002)
    await photo.send_photo(png(5, 5))
    new_ids = set(after.state.files) - old_ids
    assert len(new_ids) == 2 and not new_ids & set(before.state.files)
    file_id = next(iter(old_ids))
    stored = after.state.files[file_id]
    got = await after.call("getFile", {"file_id": file_id})
    assert got["file_path"] == stored.file_path
    assert len(list(persist.files_dir(path).iterdir())) == 1, "one blob per distinct content"


async def test_loading_nothing_and_refusing_foreign_files(tmp_path):
    emulator = TelegramEmulator(TOKEN)
    assert load_world(emulator, tmp_path / "none.json") is False
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": 99}))
    with pytest.raises(ValueError, match="not a sandbox world"):
        load_world(emulator, foreign)


async def test_autosave_waits_for_changes_batches_them_and_saves_on_stop(tmp_path, monkeypatch):
    writes: list[int] = []
    real_write = persist.write_snapshot

    def counting_write(snapshot, path):
        writes.append(len(snapshot.document["chats"]))
        real_write(snapshot, path)

    monkeypatch.setattr(persist, "write_snapshot", counting_write)
    emulator = TelegramEmulator(TOKEN)
    path = tmp_path / "world.json"
    autosave = WorldAutosave(emulator, path, delay=0.1)
    autosave.start()
    await asyncio.sleep(0.2)
    assert writes == [], "nothing changed, nothing written"

    olga = emulator.user(700_000_001, "Olga")
    for text in ("one", "two", "three"):
        await olga.send(text)
    for _ in range(500):
        if writes:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.25)
    assert writes == [1], "a burst of changes is one save"

    await olga.send("four")
    await autosave.stop()
    saved = json.loads(path.read_text())
    texts = [m["message"]["text"] for m in saved["chats"][0]["messages"]]
    assert texts == ["one", "two", "three", "four"]


async def test_the_sandbox_server_loads_and_saves_its_world(tmp_path):
    path = tmp_path / "world.json"
    save_world(await lived_in_world(), path)
    emulator = TelegramEmulator(TOKEN)
    server = SandboxServer(emulator, port=0, world_path=path)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
            state = (await http.get("/api/state")).json()
            created = await http.post("/api/personas", json={"first_name": "Ivan"})
    finally:
        await server.stop()
    assert state["unread"] == {"700000001": 0, "700000002": 0}, "loaded history counts as read"
    assert created.json()["persona"]["id"] == 700_000_003
    saved = json.loads(path.read_text())
    assert [c["user"]["first_name"] for c in saved["chats"]] == ["Olga", "Mary", "Ivan"]
