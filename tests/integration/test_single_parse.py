"""getUpdates through our bot: each update is parsed once (docs/cpu-per-update.md), a malformed
one alone is replaced by an empty update with its id, and the inbox gets the batch first."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.settings import Settings
from bot.telegram_bot import build_bot
from sandbox.emulator import EmulatorServer, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def world():
    emulator = TelegramEmulator(TOKEN)
    async with EmulatorServer(emulator) as server:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        bot = build_bot(settings, TOKEN, 4, False, server.api_base_url, server.file_base_url)
        async with bot:
            yield emulator, bot


async def test_each_update_is_parsed_once_and_a_malformed_one_skipped(world, monkeypatch):
    emulator, bot = world
    stored: list[list[dict[str, Any]]] = []

    async def confirming() -> None:
        pass

    bot.keep_updates_in(stored.append, confirming)
    await emulator.user(61, "Ann").send("/help")
    emulator.state.push_update("message", {"message_id": 1, "date": "then"})  # no date
    await emulator.user(62, "Bob").send("/start")
    parses = 0
    real = Update.de_json.__func__  # type: ignore[attr-defined]

    def counted(cls, data, bot=None):
        nonlocal parses
        parses += 1
        return real(cls, data, bot)

    monkeypatch.setattr(Update, "de_json", classmethod(counted))
    updates = await bot.get_updates(timeout=0)
    assert parses == 4, "three updates, and the empty one in place of the malformed"
    assert [u.message.text if u.message else None for u in updates] == ["/help", None, "/start"]
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [item["update_id"] for item in stored[0]] == ids
    assert stored[0][1] == {"update_id": ids[1]}, "nothing of the malformed one kept"
    assert await bot.get_updates(offset=ids[-1] + 1, timeout=0) == ()
