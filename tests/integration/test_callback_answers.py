"""A tapped button is answered at once: the handler's own answer when it comes in time, else an
empty one (after the grace period, before the update's first other call, or at its end); a
late alert still reaches the person as a message."""

from __future__ import annotations

import asyncio

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.answers import GRACE
from bot.settings import Settings
from bot.telegram_bot import TolerantBot, build_bot
from sandbox.emulator import EmulatorServer, TelegramEmulator, UserDriver

TOKEN = "123456:TEST-TOKEN"
EMPTY = {"text": None, "show_alert": False, "url": None}


@pytest.fixture
async def world():
    emulator = TelegramEmulator(TOKEN)
    async with EmulatorServer(emulator) as server:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        bot = build_bot(settings, TOKEN, 4, False, server.api_base_url, server.file_base_url)
        async with bot:
            yield emulator, bot


async def tapped(emulator: TelegramEmulator, bot: TolerantBot) -> tuple[UserDriver, Update]:
    ann = emulator.user(51, "Ann")
    keys = InlineKeyboardMarkup([[InlineKeyboardButton("Tap", callback_data="t")]])
    card = await bot.send_message(51, "card", reply_markup=keys)
    await ann.tap_data(card.message_id, "t")
    return ann, Update.de_json(emulator.state.updates[-1], bot)


def answer_of(emulator: TelegramEmulator, update: Update):
    assert update.callback_query is not None
    return emulator.state.callback_answers[update.callback_query.id]


async def test_a_handler_that_answers_in_time_keeps_its_words(world):
    emulator, bot = world
    _, update = await tapped(emulator, bot)
    async with bot.answers.arrived(update):
        assert update.callback_query is not None
        await update.callback_query.answer("Saved.")
    assert answer_of(emulator, update) == {**EMPTY, "text": "Saved."}


async def test_the_answer_goes_before_the_updates_first_other_call(world):
    emulator, bot = world
    _, update = await tapped(emulator, bot)
    async with bot.answers.arrived(update):
        await bot.send_message(51, "the card again")
    methods = [call.method for call in emulator.calls]
    assert methods[-2:] == ["answerCallbackQuery", "sendMessage"]
    assert answer_of(emulator, update) == EMPTY


async def test_a_slow_handler_gets_an_empty_answer_and_its_alert_becomes_a_message(world):
    emulator, bot = world
    ann, update = await tapped(emulator, bot)
    async with bot.answers.arrived(update):
        await asyncio.sleep(GRACE + 0.3)  # the handler's work takes long
        assert answer_of(emulator, update) == EMPTY
        assert update.callback_query is not None
        await update.callback_query.answer("Saved.")  # too late: dropped
        await update.callback_query.answer("This order was cancelled.", show_alert=True)
    assert ann.last().text == "This order was cancelled."
    assert [call.method for call in emulator.calls].count("answerCallbackQuery") == 1


async def test_a_handler_that_never_answers_is_answered_when_it_is_done(world):
    emulator, bot = world
    _, update = await tapped(emulator, bot)
    async with bot.answers.arrived(update):
        pass
    assert answer_of(emulator, update) == EMPTY
