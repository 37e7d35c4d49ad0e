"""The emulator serves several bots from one address, as Telegram does (docs/own-bot.md):
each token reaches its own bot with its own chats, updates and files; an unknown or revoked
token is answered 401; a file id of one bot is unknown to another; profile texts per
language with Telegram's limits and fallback."""

from __future__ import annotations

import httpx

from sandbox.emulator import EmulatorServer, TelegramEmulator

SHARED = "123456789:SHARED-token-of-the-emulator-xxxxxx"
OWN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


async def _call(web: httpx.AsyncClient, server: EmulatorServer, token: str, method: str, **p):
    response = await web.post(f"{server.api_base_url}{token}/{method}", json=p)
    return response.status_code, response.json()


async def test_two_bots_one_address_separate_worlds_and_revocation():
    shared = TelegramEmulator(SHARED, bot_username="astracrm_bot")
    async with EmulatorServer(shared) as server, httpx.AsyncClient() as web:
        own = server.add_bot(TelegramEmulator(OWN, bot_username="clean_house_bot"))
        assert (await _call(web, server, OWN, "getMe"))[1]["result"]["username"] == (
            "clean_house_bot"
        )
        assert (await _call(web, server, SHARED, "getMe"))[1]["result"]["id"] == 123456789
        status, body = await _call(web, server, "1:unknown", "getMe")
        assert status == 401 and body == {
            "ok": False, "error_code": 401, "description": "Unauthorized"
        }  # fmt: skip

        shared.user(7001, "Olga")
        own.user(7001, "Olga")
        await shared.user(7001).send("to the shared bot")
        _, updates = await _call(web, server, OWN, "getUpdates", timeout=0)
        assert updates["result"] == []  # the other bot's chat is not this bot's
        _, updates = await _call(web, server, SHARED, "getUpdates", timeout=0)
        assert updates["result"][0]["message"]["text"] == "to the shared bot"

        await shared.user(7001).send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
        _, updates = await _call(web, server, SHARED, "getUpdates", offset=0, timeout=0)
        file_id = updates["result"][-1]["message"]["photo"][-1]["file_id"]
        status, _ = await _call(web, server, SHARED, "sendPhoto", chat_id=7001, photo=file_id)
        assert status == 200
        status, body = await _call(web, server, OWN, "sendPhoto", chat_id=7001, photo=file_id)
        assert status == 400  # a file id belongs to the bot that received it

        server.bots.revoke(OWN)
        assert (await _call(web, server, OWN, "getMe"))[0] == 401


async def test_profile_texts_per_language_with_telegrams_limits():
    own = TelegramEmulator(OWN, bot_first_name="Чистый дом", bot_username="clean_house_bot")
    async with EmulatorServer(own) as server, httpx.AsyncClient() as web:
        await _call(web, server, OWN, "setMyDescription", description="Общее")
        await _call(
            web, server, OWN, "setMyDescription", description="English", language_code="en"
        )
        read = await _call(web, server, OWN, "getMyDescription", language_code="en")
        assert read[1]["result"] == {"description": "English"}
        read = await _call(web, server, OWN, "getMyDescription", language_code="de")
        assert read[1]["result"] == {"description": "Общее"}
        status, _ = await _call(
            web, server, OWN, "setMyShortDescription", short_description="x" * 121
        )
        assert status == 400
        status, _ = await _call(web, server, OWN, "setMyDescription", description="x" * 513)
        assert status == 400
        await _call(web, server, OWN, "setMyDescription", description="", language_code="en")
        read = await _call(web, server, OWN, "getMyDescription", language_code="en")
        assert read[1]["result"] == {"description": "Общее"}
        assert (await _call(web, server, OWN, "getMyName"))[1]["result"] == {"name": "Чистый дом"}
