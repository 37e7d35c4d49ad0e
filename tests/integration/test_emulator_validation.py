"""Telegram's validation and flood control, as python-telegram-bot sees them (exceptions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, ExtBot

from sandbox.emulator import EmulatorServer, RateLimits, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
HTML = "HTML"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> TelegramEmulator:
    emulator = TelegramEmulator(TOKEN, clock=clock)
    emulator.user(id=1, first_name="Ann")
    return emulator


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[ExtBot[None]]:
    async with EmulatorServer(emulator) as server:
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(server.api_base_url)
            .base_file_url(server.file_base_url)
            .build()
        )
        async with app:
            yield app.bot


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("a < b", HTML, 'Can\'t parse entities: unsupported start tag "" at byte offset 2'),
        ("<b>bold", HTML, "Can't parse entities: can't find end tag corresponding to start tag"),
        ("<br>", HTML, 'Can\'t parse entities: unsupported start tag "br" at byte offset 0'),
        ("<b>x</i>", HTML, "Can't parse entities: unmatched end tag at byte offset 4"),
        ("<b></b>", HTML, "Message text is empty"),
        ("x" * 4097, None, "Message is too long"),
        ("😀" * 2049, None, "Message is too long"),
    ],
)
async def test_send_message_validation(bot, text, parse_mode, error):
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(1, text, parse_mode=parse_mode)
    assert caught.value.message.startswith(error)


async def test_length_is_counted_after_tags_and_entities(bot, emulator):
    text = "<b>" + "x" * 4090 + "</b>&lt;&amp;&gt;&#33;&quot;y"
    message = await bot.send_message(1, text, parse_mode=HTML)
    assert len(message.text) == 4096
    assert message.entities[0].type == "bold"
    assert emulator.user(id=1).last().html == text


async def test_unknown_chat_blocked_user_and_never_started_user(bot, emulator):
    emulator.user(id=2, first_name="Shy", started=False)
    await emulator.user(id=1).block()
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(404, "hi")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1, "hi")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(2, "hi")


async def test_caption_limit(bot):
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(1, b"img", caption="c" * 1025)
    message = await bot.send_photo(1, b"img", caption="<b>" + "c" * 1024 + "</b>", parse_mode=HTML)
    assert len(message.caption) == 1024


@pytest.mark.parametrize(("data", "ok"), [("d" * 64, True), ("d" * 65, False), ("я" * 33, False)])
async def test_callback_data_is_limited_to_64_bytes(bot, data, ok):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])
    if ok:
        assert (await bot.send_message(1, "pick", reply_markup=markup)).reply_markup == markup
    else:
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(1, "pick", reply_markup=markup)


async def test_edit_errors(bot):
    message = await bot.send_message(1, "<b>same</b>", parse_mode=HTML)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", chat_id=1, message_id=999)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "<b>same</b>", chat_id=1, message_id=message.message_id, parse_mode=HTML
        )
    edited = await bot.edit_message_text("same", chat_id=1, message_id=message.message_id)
    assert edited.entities == ()
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=1, message_id=message.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(1, 999)


async def test_rate_limits_refuse_with_retry_after(bot, emulator, clock):
    emulator.rate_limits = True
    emulator.user(id=2, first_name="Bob")
    for text in ("one", "two", "three"):  # a short burst is allowed, then one a second
        await bot.send_message(1, text)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "four")
    assert caught.value.retry_after == timedelta(seconds=1)
    await bot.send_message(2, "other chat is fine")
    clock.now += 0.96  # a second, less the 50 ms tolerance
    await bot.send_message(1, "five")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "six")
    assert [m.text for m in emulator.user(id=1).messages()] == ["one", "two", "three", "five"]
    assert (emulator.stats.sent, emulator.stats.refused_429) == (5, 2)


async def test_overall_rate_limit(emulator, clock):
    emulator.rate_limits = True
    emulator.limits.overall = 3
    for user_id in range(10, 14):
        emulator.user(id=user_id, first_name="U")
    for user_id in range(10, 13):
        await emulator.call("sendMessage", {"chat_id": user_id, "text": "hi"})
    from sandbox.emulator import BotApiError

    with pytest.raises(BotApiError) as caught:
        await emulator.call("sendMessage", {"chat_id": 13, "text": "hi"})
    assert caught.value.payload() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    clock.now += 1
    await emulator.call("sendMessage", {"chat_id": 13, "text": "hi"})


async def test_rate_limits_are_off_by_default(emulator):
    for _ in range(5):
        await emulator.call("sendMessage", {"chat_id": 1, "text": "burst"})
    assert (emulator.stats.sent, emulator.stats.refused_429) == (5, 0)


def test_rate_limit_numbers_are_configurable():
    emulator = TelegramEmulator(rate_limits=True, limits=RateLimits(per_chat=3, overall=100))
    assert (emulator.limits.per_chat, emulator.limits.overall) == (3, 100)


async def test_reply_parameters_options_and_caption_edits(bot, emulator):
    user = emulator.user(id=1)
    asked = await user.send("question")
    answer = await bot.send_message(
        1,
        "answer https://example.com",
        reply_parameters=ReplyParameters(asked["message_id"]),
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert answer.reply_to_message.text == "question"
    assert answer.link_preview_options.is_disabled is True
    view = user.last()
    assert (view.reply_to_message_id, view.silent) == (asked["message_id"], True)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(1, "x", reply_parameters=ReplyParameters(999))
    photo = await bot.send_photo(1, b"img", caption="old")
    edited = await bot.edit_message_caption(
        1, photo.message_id, caption="<b>new</b>", parse_mode=HTML
    )
    assert (edited.caption, user.last().html) == ("new", "<b>new</b>")
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await bot.edit_message_text("text", chat_id=1, message_id=photo.message_id)


async def test_get_chat_and_webhook_info_parse_in_ptb(bot):
    chat = await bot.get_chat(1)
    info = await bot.get_webhook_info()
    assert (chat.id, chat.type, chat.first_name) == (1, "private", "Ann")
    assert (info.url, info.pending_update_count) == ("", 0)
