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

from handlers.edits import edit_buttons, edit_tapped, shows
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
    def __init__(self, message: Message | None, refuse: str | None = None) -> None:
        self.message, self.refuse, self.edits = message, refuse, 0

    async def edit_message_text(self, *args, **kwargs) -> None:
        self.edits += 1
        if self.refuse:
            raise BadRequest(self.refuse)

    edit_message_reply_markup = edit_message_text

    async def answer(self, *args, **kwargs) -> None:
        raise BadRequest("Query is too old and response timeout expired or query id is invalid")


async def test_an_identical_edit_is_not_sent():
    query = _Query(_message("Calls", [_entity("bold", 0, 5)], KEYS))
    assert await edit_tapped(query, "<b>Calls</b>", KEYS) is False  # type: ignore[arg-type]
    assert await edit_buttons(query, KEYS) is False  # type: ignore[arg-type]
    assert query.edits == 0
    assert await edit_tapped(query, "<b>Calls</b> (2)", KEYS) is True  # type: ignore[arg-type]
    assert await edit_buttons(query, None) is True  # type: ignore[arg-type]
    assert query.edits == 2


async def test_a_refused_identical_edit_is_not_an_error():
    stale = _Query(_message("Old"), refuse="Message is not modified: specified new message ...")
    assert await edit_tapped(stale, "New") is False  # type: ignore[arg-type]
    gone = _Query(_message("Old"), refuse="Message to edit not found")
    with pytest.raises(BadRequest):
        await edit_tapped(gone, "New")  # type: ignore[arg-type]


async def test_an_error_after_the_tap_was_answered_becomes_a_message():
    sent: list[str] = []

    async def send_message(text: str, **kwargs) -> None:
        sent.append(text)

    update = SimpleNamespace(
        callback_query=_Query(None), effective_chat=SimpleNamespace(send_message=send_message)
    )
    await _answer(update, None, "Sorry, something went wrong.")  # type: ignore[arg-type]
    assert sent == ["Sorry, something went wrong."]
