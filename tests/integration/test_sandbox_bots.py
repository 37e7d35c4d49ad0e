"""The sandbox makes an organization's own bot (issue 23, item 5): `POST /sandbox/bots` gives
a bot with a token of Telegram's shape, served by the same Bot API address, with its own web
chat at `/b/<username>/` (its personas, chats and media apart from the shared bot's), and
both bots and their chats come back after a restart."""

from __future__ import annotations

import json

import httpx

from core.ownbot.model import token_bot_id
from sandbox.emulator import TelegramEmulator
from sandbox.web import SandboxServer

TOKEN = "123456:TEST-TOKEN"


async def test_a_second_bot_with_its_own_chats_kept_across_a_restart(tmp_path):
    path = tmp_path / "world.json"
    server = SandboxServer(
        TelegramEmulator(TOKEN, bot_username="astracrm_bot"), port=0, world_path=path
    )
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
            for bad in ({}, {"first_name": "  "}, {"first_name": "x" * 65}, {"first_name": 5}):
                assert (await http.post("/sandbox/bots", json=bad)).status_code == 400
            made = await http.post("/sandbox/bots", json={"first_name": "Чистый дом"})
            assert made.status_code == 201, made.text
            bot = made.json()["bot"]
            again = (await http.post("/sandbox/bots", json={"first_name": "Clean House"})).json()
            token, username = bot["token"], bot["username"]
            assert token_bot_id(token) is not None  # what /ownbot accepts
            assert username == "chistyy_dom_bot" and bot["path"] == f"/b/{username}/"
            assert again["bot"]["username"] == "clean_house_bot"
            listed = (await http.get("/sandbox/bots")).json()["bots"]
            assert [b["path"] for b in listed] == ["/", bot["path"], again["bot"]["path"]]
            assert "token" not in listed[1]  # shown once, when made

            # The Bot API answers the new token as its own bot; the page and API live apart.
            me = (await http.post(f"/bot{token}/getMe")).json()["result"]
            assert me["username"] == username and me["first_name"] == "Чистый дом"
            page = await http.get(bot["path"])
            assert page.status_code == 200 and "<title>Чистый дом</title>" in page.text
            own = await http.post(f"{bot['path']}api/personas", json={"first_name": "Пётр"})
            persona = own.json()["persona"]["id"]
            same = {"first_name": "Ольга", "id": 700_000_001}  # a shared bot's persona, here too
            assert (await http.post(f"{bot['path']}api/personas", json=same)).status_code == 201
            other = await http.post(f"{bot['path']}api/personas", json={"first_name": "Анна"})
            assert 800_000_000 < persona < other.json()["persona"]["id"] < 900_000_000
            sent = await http.post(
                f"{bot['path']}api/chats/{persona}/send", json={"text": "/start"}
            )
            assert sent.status_code == 200, sent.text
            updates = (await http.post(f"/bot{token}/getUpdates")).json()["result"]
            assert [u["message"]["text"] for u in updates] == ["/start"]
            assert (await http.get("/api/personas")).json()["personas"] == []  # shared: none
            state = (await http.get(f"{bot['path']}api/state")).json()
            assert state["bot"]["username"] == username
    finally:
        await server.stop()
    assert json.loads((tmp_path / "bots.json").read_text())["bots"][0]["token"] == token

    server = SandboxServer(
        TelegramEmulator(TOKEN, bot_username="astracrm_bot"), port=0, world_path=path
    )
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
            assert len((await http.get("/sandbox/bots")).json()["bots"]) == 3
            assert (await http.post(f"/bot{token}/getMe")).json()["ok"] is True
            chats = (await http.get(f"{bot['path']}api/personas")).json()["personas"]
            assert [c["first_name"] for c in chats] == ["Ольга", "Пётр", "Анна"]
    finally:
        await server.stop()
