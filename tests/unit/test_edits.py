"""Edit only when something changes: a message compared with new HTML and buttons, and the error
reply that falls back to a message when the tap was already answered."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    User,
)
from telegram.error import BadRequest

from bot.outbox import OutboxSender
from core.runtime.outbox import Delivery, Method, Sent, Stored
from handlers.delivery.edits import edit_buttons, edit_tapped, shows
from handlers.delivery.outgoing import Outgoing
from handlers.errors import _answer

CHAT = Chat(1, "private")
KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("✓ All", callback_data="cl:all")]])


def _message(text: str, entities=(), markup=None) -> Message:
    return Message(
        7,
        datetime(2026, 3, 4, tzinfo=UTC),
        CHAT,
        text=text,
        entities=entities,
        reply_markup=markup,
    )


def _entity(kind: str, offset: int, length: int, **extra) -> MessageEntity:
    return MessageEntity(kind, offset, length, **extra)


@pytest.mark.parametrize(
    ("html", "same"),
    [
        ("<b>Calls today</b> (all): 0\nNo calls.", True),
        ("<strong>Calls today</strong> (all): 0\nNo calls.\n", True),
        ("Calls today (all): 0\nNo calls.", False),
        ("<i>Calls today</i> (all): 0\nNo calls.", False),
        ("<b>Calls today</b> (all): 1\nNo calls.", False),
    ],
)
def test_text_and_formatting_are_compared(html, same):
    current = _message("Calls today (all): 0\nNo calls.", [_entity("bold", 0, 11)], KEYS)
    assert shows(current, html, KEYS) is same


def test_links_mentions_and_utf16_offsets():
    text = "🙋 Анна & Co: map"
    entities = [
        _entity("text_mention", 3, 4, user=User(5, "Анна", False)),
        _entity("text_link", 14, 3, url="https://maps.example/?a=1&b=2"),
        _entity("url", 14, 3),  # detected by Telegram, never written in our HTML
    ]
    current = _message(text, entities)
    html = '🙋 <a href="tg://user?id=5">Анна</a> &amp; Co: <a href="https://maps.example/?a=1&amp;b=2">map</a>'
    assert shows(current, html, None)
    assert not shows(current, html.replace("id=5", "id=6"), None)


def test_buttons_are_compared():
    current = _message("Pick", markup=KEYS)
    other = InlineKeyboardMarkup([[InlineKeyboardButton("All", callback_data="cl:all")]])
    assert shows(current, "Pick", KEYS)
    assert not shows(current, "Pick", other)
    assert not shows(current, "Pick", None)
    assert shows(_message("Pick"), "Pick", InlineKeyboardMarkup([]))


class _Query:
    def __init__(self, message: Message | None) -> None:
        self.message = message
        self.inline_message_id = None
        self.from_user = User(1, "Olga", False)

    async def answer(self, *args, **kwargs) -> None:
        raise BadRequest("Query is too old and response timeout expired or query id is invalid")


def _ctx() -> SimpleNamespace:
    """An update through the shared bot (number 0): a tapped message's key is its id."""
    return SimpleNamespace(
        outgoing=Outgoing(), message_key=lambda message_id: message_id, bot_number=0
    )


async def test_an_identical_edit_is_not_sent():
    query, ctx = _Query(_message("Calls", [_entity("bold", 0, 5)], KEYS)), _ctx()
    assert await edit_tapped(ctx, query, "<b>Calls</b>", KEYS) is False  # type: ignore[arg-type]
    assert await edit_buttons(ctx, query, KEYS) is False  # type: ignore[arg-type]
    assert ctx.outgoing.deliveries == []
    assert await edit_tapped(ctx, query, "<b>Calls</b> (2)", KEYS) is True  # type: ignore[arg-type]
    assert await edit_buttons(ctx, query, None) is True  # type: ignore[arg-type]
    edit, buttons = ctx.outgoing.deliveries
    assert (edit.method, edit.chat_id, edit.params["message_id"]) == (Method.EDIT, 1, 7)
    assert edit.params["text"] == "<b>Calls</b> (2)" and edit.quiet
    assert (buttons.method, buttons.params["markup"]) == (Method.MARKUP, None)


def test_a_refused_identical_or_vanished_edit_is_not_an_error():
    sender = object.__new__(OutboxSender)
    edit = Stored(3, Delivery(1, Method.EDIT, {"text": "New", "message_id": 7}, quiet=True))
    for refusal in (
        "Message is not modified: specified new message ...",
        "Message to edit not found",
    ):
        assert sender._refused(edit, BadRequest(refusal)) == Sent(3, None)
    send = Stored(4, Delivery(1, Method.SEND, {"text": "<b>New"}))
    assert sender._refused(send, BadRequest("Can't parse entities")) == Sent(4, None, failed=True)
    lost = sender._refused(send, BadRequest("Chat not found"))
    assert lost == Sent(4, None, unreachable=True)


async def test_an_error_after_the_tap_was_answered_becomes_a_message():
    update = SimpleNamespace(callback_query=_Query(None), effective_chat=CHAT)
    ctx = _ctx()
    await _answer(update, ctx, "Sorry, something went wrong.")  # type: ignore[arg-type]
    assert [d.params["text"] for d in ctx.outgoing.deliveries] == ["Sorry, something went wrong."]


def test_a_later_edit_of_the_same_message_supersedes_an_earlier_one():
    out = Outgoing()
    out.edit(1, 7, "first", KEYS)
    out.buttons(1, 8, None)
    out.send(1, "a new message")
    out.edit(1, 7, "second", KEYS)
    assert [(d.method, d.params.get("text")) for d in out.deliveries] == [
        (Method.MARKUP, None),
        (Method.SEND, "a new message"),
        (Method.EDIT, "second"),
    ]
