"""A bot process killed with SIGKILL mid-update loses nothing: long polling confirms a batch
with the next getUpdates, so an update the process was still handling is gone from Telegram;
the inbox kept it, and the restarted process applies it once.

The kill point is driven by the emulator, not by sleeps: the reply to the update is held (the
process is mid-update) and the update has left the emulator's queue (the next getUpdates
confirmed it) before the process is killed."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.admin.server import free_port
from sandbox.emulator import EmulatorServer, TelegramEmulator
from tests.e2e.processes import Process, base_env

pytestmark = pytest.mark.timeout(180)
TOKEN = "4343:KILL-TEST-TOKEN-abcdefghijklmnop"


async def until(condition, what: str, timeout: float = 30) -> None:  # noqa: ASYNC109
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.05)


def _bot(tmp_path, db_url: str, server: EmulatorServer, name: str) -> Process:
    env = base_env(
        DATABASE_URL=db_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.api_base_url,
        TELEGRAM_FILE_BASE_URL=server.file_base_url,
        FILES_DIR=str(tmp_path / "files"),
        ADMIN_PORT=str(free_port("127.0.0.1")),
    )
    return Process(name, ["run"], env, tmp_path / f"{name}.log")


def _sends_to(emulator: TelegramEmulator, chat_id: int) -> int:
    return sum(
        1 for p in emulator.calls_to("sendMessage") if str(p.get("chat_id")) == str(chat_id)
    )


async def test_an_update_confirmed_to_telegram_survives_a_kill_mid_update(tmp_path, db_url):
    emulator = TelegramEmulator(TOKEN, bot_username="crm_bot")
    async with EmulatorServer(emulator) as server:
        first = _bot(tmp_path, db_url, server, "first")
        await first.start()
        try:
            await first.ready()
            olga = emulator.user(9901, "Ольга", language_code="ru")
            emulator.hold_sends(olga.id)
            await olga.send("/help")
            await until(lambda: _sends_to(emulator, olga.id) == 1, "the bot is mid-update")
            await until(lambda: not emulator.state.updates, "the next getUpdates confirmed it")
            await first.kill()
        finally:
            await first.stop()
        emulator.drop_held(olga.id)
        assert olga.messages() == [], "the held reply must not have been delivered"
        second = _bot(tmp_path, db_url, server, "second")
        await second.start()
        try:
            reply = await olga.reply(timeout=60)
            assert "Что я умею" in reply.text
            await second.ready()
            await olga.send("/help")
            assert "Что я умею" in (await olga.reply(timeout=30)).text
        finally:
            await second.stop()
        assert len(olga.messages()) == 2, "the update was applied once after the restart"


async def test_a_reply_committed_but_not_sent_is_sent_once_after_a_kill(tmp_path, db_url):
    """/start from a stranger writes the person, the onboarding dialog's first step and its
    prompt to the outbox in one transaction; the process is killed while Telegram holds the
    prompt (so it was never delivered): the restarted process sends it from the outbox, once,
    and does not apply the update again."""
    emulator = TelegramEmulator(TOKEN, bot_username="crm_bot")
    async with EmulatorServer(emulator) as server:
        first = _bot(tmp_path, db_url, server, "first")
        await first.start()
        try:
            await first.ready()
            olga = emulator.user(9902, "Ольга", language_code="ru")
            emulator.hold_sends(olga.id)
            await olga.send("/start")
            await until(lambda: _sends_to(emulator, olga.id) == 1, "the reply is being sent")
            await first.kill()
        finally:
            await first.stop()
        emulator.drop_held(olga.id)
        assert olga.messages() == [], "the held reply must not have been delivered"
        second = _bot(tmp_path, db_url, server, "second")
        await second.start()
        try:
            reply = await olga.reply(timeout=60)
            await second.ready()
            await asyncio.sleep(1.0)  # a second copy, if any, would arrive meanwhile
        finally:
            await second.stop()
        assert len(olga.messages()) == 1, [m.text for m in olga.messages()]
        assert reply.labels, "the language prompt came back with its buttons"
        # Applied once: the restarted process skipped the update (the ledger has it), so the
        # one prompt is the one from the outbox, and the dialog answers its button.
        assert _sends_to(emulator, olga.id) == 2, "one held and dropped, one delivered"
