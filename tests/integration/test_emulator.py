"""The Telegram emulator driving a bare python-telegram-bot Application over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from sandbox.emulator import EmulatorServer, ScenarioError, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
Context = ContextTypes.DEFAULT_TYPE


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns on int durations (e.g. RetryAfter) unless opted in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(TOKEN, bot_username="astra_test_bot")


@pytest.fixture
async def server(emulator: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emulator) as running:
        yield running


def build_app(server: EmulatorServer) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.api_base_url)
        .base_file_url(server.file_base_url)
        .build()
    )


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_polling_round_trip_confirms_offsets(emulator, server):
    seen: list[str] = []

    async def start(update: Update, context: Context) -> None:
        seen.append(update.effective_message.text)
        await update.effective_message.reply_text(f"hello {' '.join(context.args)}")

    app = build_app(server)
    app.add_handler(CommandHandler("start", start))
    olga = emulator.user(id=1001, first_name="Olga", language_code="ru")
    async with polling(app):
        await olga.send("/start abc")
        reply = await olga.reply()
        await olga.send("/start again")
        second = await olga.reply()
    assert (reply.text, second.text) == ("hello abc", "hello again")
    assert seen == ["/start abc", "/start again"]
    assert not emulator.state.updates, "the final getUpdates confirmed every update"
    methods = [call.method for call in emulator.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert emulator.calls_to("sendMessage")[0]["chat_id"] == 1001


async def test_reply_timeout_names_the_last_bot_message(emulator, server):
    olga = emulator.user(id=1001, first_name="Olga")
    await emulator.call("sendMessage", {"chat_id": 1001, "text": "first"})
    assert (await olga.reply()).text == "first"
    with pytest.raises(ScenarioError, match="'first'"):
        await olga.reply(timeout=0.05)


async def test_tap_round_trip_with_answer_and_edit(emulator, server):
    async def menu(update: Update, context: Context) -> None:
        keyboard = [
            [InlineKeyboardButton("Yes", callback_data="vote:yes")],
            [InlineKeyboardButton("Site", url="https://example.com/")],
        ]
        await update.effective_message.reply_text(
            "<b>Vote?</b>", parse_mode=ParseMode.HTML, reply_markup=InlineKeyboardMarkup(keyboard)
        )

    async def vote(update: Update, context: Context) -> None:
        await update.callback_query.answer(f"Got {update.callback_query.data}")
        await update.callback_query.edit_message_text("Thanks!")

    app = build_app(server)
    app.add_handlers([CommandHandler("menu", menu), CallbackQueryHandler(vote)])
    user = emulator.user(id=7, first_name="Ann")
    async with polling(app):
        await user.send("/menu")
        message = await user.reply()
        assert (message.text, message.html) == ("Vote?", "<b>Vote?</b>")
        assert message.buttons == [[("Yes", "vote:yes")], [("Site", "https://example.com/")]]
        assert await user.tap("Site") == "https://example.com/"
        with pytest.raises(ScenarioError, match=r"have \['Yes', 'Site'\]"):
            await user.tap("No")
        await user.tap("Yes")
        assert await user.callback_answer() == "Got vote:yes"
        edited = await user.wait_edit(message.message_id)
    assert (edited.text, edited.buttons, edited.edited) == ("Thanks!", [], True)
    assert user.last().text == "Thanks!"


async def test_edit_message_text_updates_last(emulator, server):
    user = emulator.user(id=5, first_name="Eve")
    app = build_app(server)
    async with app:
        sent = await app.bot.send_message(5, "draft")
        assert user.last().text == "draft"
        await app.bot.edit_message_text("final", chat_id=5, message_id=sent.message_id)
        assert user.last().text == "final"
        assert user.last().version == 1
        await app.bot.delete_message(5, sent.message_id)
    with pytest.raises(ScenarioError):
        user.last()


async def test_reply_keyboard_press_and_request_contact(emulator, server):
    got: list[str] = []

    async def ask(update: Update, context: Context) -> None:
        keyboard = [[KeyboardButton("Share", request_contact=True), "Help"]]
        await update.effective_message.reply_text(
            "Phone?", reply_markup=ReplyKeyboardMarkup(keyboard)
        )

    async def contact(update: Update, context: Context) -> None:
        got.append(update.effective_message.contact.phone_number)
        await update.effective_message.reply_text("ok")

    app = build_app(server)
    app.add_handlers([CommandHandler("phone", ask), MessageHandler(filters.CONTACT, contact)])
    user = emulator.user(id=9, first_name="Ivan", phone_number="+79001234567")
    async with polling(app):
        await user.send("/phone")
        prompt = await user.reply()
        assert prompt.keyboard == [["Share", "Help"]]
        assert "reply_markup" not in prompt.raw, "Telegram hides reply keyboards in Message"
        await user.press("Share")
        await user.reply()
    assert got == ["+79001234567"]


async def test_set_my_commands_lookup_order(emulator, server):
    olga = emulator.user(id=1, first_name="Olga", language_code="ru")
    john = emulator.user(id=2, first_name="John", language_code="en")
    app = build_app(server)
    async with app:
        bot = app.bot
        assert olga.commands() == []
        await bot.set_my_commands([("help", "Help")])
        await bot.set_my_commands([("pomosh", "Pomosh")], language_code="ru")
        assert (olga.commands(), john.commands()) == ([("pomosh", "Pomosh")], [("help", "Help")])
        await bot.set_my_commands([("orders", "Orders")], scope={"type": "all_private_chats"})
        assert olga.commands() == john.commands() == [("orders", "Orders")]
        await bot.set_my_commands([("admin", "Admin")], scope={"type": "chat", "chat_id": 2})
        assert (olga.commands(), john.commands()) == ([("orders", "Orders")], [("admin", "Admin")])
        assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["pomosh"]
        await bot.delete_my_commands(scope={"type": "all_private_chats"})
        assert olga.commands() == [("pomosh", "Pomosh")]


async def test_inline_query_round_trip(emulator, server):
    async def inline(update: Update, context: Context) -> None:
        query = update.inline_query.query
        result = InlineQueryResultArticle("1", f"Find {query}", InputTextMessageContent(query))
        await update.inline_query.answer([result])

    app = build_app(server)
    app.add_handler(InlineQueryHandler(inline))
    user = emulator.user(id=3, first_name="Kim")
    async with polling(app):
        results = await user.inline_query("plumber")
    assert [(r["id"], r["title"]) for r in results] == [("1", "Find plumber")]


async def test_user_actions_arrive_as_ptb_objects(emulator, server):
    received: list[Update] = []

    async def record(update: Update, context: Context) -> None:
        received.append(update)
        await context.bot.send_message(update.effective_chat.id, "got it")

    app = build_app(server)
    app.add_handler(MessageHandler(filters.ALL, record))
    user = emulator.user(id=11, first_name="Lev", username="lev")
    async with polling(app):
        first = await user.send("hi")
        await user.edit(first["message_id"], "hi there")
        await user.send_contact("+100", "Max", user_id=12)
        await user.send_location(55.75, 37.61)
        await user.forward("fwd text", "Secret Person")
        await user.replies(5)
    message, edited, contact, location, forwarded = received
    assert message.message.text == "hi" and message.message.from_user.username == "lev"
    assert edited.edited_message.text == "hi there"
    assert contact.message.contact.user_id == 12
    assert location.message.location.latitude == pytest.approx(55.75)
    assert forwarded.message.forward_origin.sender_user_name == "Secret Person"


async def test_block_sends_my_chat_member_and_forbids_messages(emulator, server):
    statuses: list[str] = []
    errors: list[str] = []
    handled = asyncio.Event()

    async def member(update: Update, context: Context) -> None:
        status = update.my_chat_member.new_chat_member.status
        statuses.append(status)
        try:
            await context.bot.send_message(13, f"status {status}")
        except Forbidden as error:
            errors.append(error.message)
        handled.set()

    app = build_app(server)
    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    user = emulator.user(id=13, first_name="Ola")
    async with polling(app):
        await user.block()
        await asyncio.wait_for(handled.wait(), 2)
        await user.unblock()
        assert (await user.reply()).text == "status member"
    assert statuses == ["kicked", "member"]
    assert errors == ["Forbidden: bot was blocked by the user"]


async def test_subscribers_see_the_conversation(emulator, server):
    queue = emulator.subscribe()
    user = emulator.user(id=21, first_name="Web")
    await user.send("hello")
    sent = await emulator.call("sendMessage", {"chat_id": 21, "text": "hi"})
    await emulator.call("sendChatAction", {"chat_id": 21, "action": "typing"})
    await emulator.call("deleteMessage", {"chat_id": 21, "message_id": sent["message_id"]})
    events = [queue.get_nowait() for _ in range(queue.qsize())]
    emulator.unsubscribe(queue)
    assert [(e.kind, e.chat_id) for e in events] == [
        ("message", 21),
        ("message", 21),
        ("chat_action", 21),
        ("deleted", 21),
    ]
    assert events[1].data["from"]["is_bot"] is True
