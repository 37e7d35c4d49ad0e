"""Our flood control against the emulator's: messages into a chat go in a short burst, then one
a second; a 429 holds only its chat and is waited out without a traceback; answers to tapped
buttons never wait for anyone's flood control."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import RetryAfter

from bot.settings import Settings
from bot.telegram_bot import TolerantBot, build_bot
from handlers.errors import on_error
from sandbox.emulator import EmulatorServer, RateLimits, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def started(emulator: TelegramEmulator) -> tuple[EmulatorServer, TolerantBot]:
    server = EmulatorServer(emulator)
    await server.start()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bot = build_bot(settings, TOKEN, 8, True, server.api_base_url, server.file_base_url)
    await bot.initialize()
    return server, bot


async def stopped(server: EmulatorServer, bot: TolerantBot) -> None:
    await bot.shutdown()
    await server.stop()


def no_warnings_or_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]


async def test_a_burst_then_one_a_second_and_other_chats_do_not_wait(caplog):
    emulator = TelegramEmulator(TOKEN, rate_limits=True)  # Telegram's numbers: burst of 3, 1/s
    ann, bob = emulator.user(41, "Ann"), emulator.user(42, "Bob")
    server, bot = await started(emulator)
    try:
        began = time.monotonic()
        sends = [bot.send_message(41, f"#{n}") for n in range(5)]
        other = asyncio.create_task(bot.send_message(42, "hi"))
        await asyncio.gather(*sends, other)
        elapsed = time.monotonic() - began
    finally:
        await stopped(server, bot)
    assert sorted(m.text for m in ann.messages()) == [f"#{n}" for n in range(5)]
    assert [m.text for m in bob.messages()] == ["hi"]
    assert emulator.stats.refused_429 == 0
    assert 1.9 < elapsed < 4, elapsed  # 3 at once, then the 4th and 5th a second apart
    no_warnings_or_tracebacks(caplog)


async def test_a_429_is_waited_out_and_the_messages_arrive_in_order(caplog):
    # Stricter than our limiter assumes (no burst): the 2nd and 3rd are refused once each.
    emulator = TelegramEmulator(TOKEN, rate_limits=True, limits=RateLimits(burst=1))
    ann = emulator.user(43, "Ann")
    server, bot = await started(emulator)
    try:
        for text in ("one", "two", "three"):
            await bot.send_message(43, text)
    finally:
        await stopped(server, bot)
    assert [m.text for m in ann.messages()] == ["one", "two", "three"]
    assert emulator.stats.refused_429 >= 1
    no_warnings_or_tracebacks(caplog)


async def test_a_tap_is_answered_at_once_while_flood_control_holds_its_chat(caplog):
    emulator = TelegramEmulator(TOKEN, rate_limits=True, limits=RateLimits(burst=1))
    ann = emulator.user(44, "Ann")
    server, bot = await started(emulator)
    try:
        keys = InlineKeyboardMarkup([[InlineKeyboardButton("Tap", callback_data="t")]])
        card = await bot.send_message(44, "card", reply_markup=keys)
        query_id = await ann.tap_data(card.message_id, "t")
        held = asyncio.create_task(bot.send_message(44, "refused, then waits 1 s"))
        await asyncio.sleep(0.1)  # the 429 came back: the chat is held
        began = time.monotonic()
        await bot.answer_callback_query(query_id, "Saved.")
        answered_in = time.monotonic() - began
        await held
    finally:
        await stopped(server, bot)
    assert emulator.stats.refused_429 == 1
    assert answered_in < 0.3, answered_in
    assert emulator.state.callback_answers[query_id] == {
        "text": "Saved.",
        "show_alert": False,
        "url": None,
    }
    no_warnings_or_tracebacks(caplog)


async def test_flood_control_that_outlasts_the_retries_is_a_warning_not_a_traceback(caplog):
    context = SimpleNamespace(error=RetryAfter(timedelta(seconds=3)))
    await on_error(object(), context)  # type: ignore[arg-type]
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
