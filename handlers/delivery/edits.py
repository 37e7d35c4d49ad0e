"""Editing messages only when something changes.

Telegram refuses an edit that leaves a message exactly as it is (400 "message is not
modified"). When the message is at hand (the one whose button was tapped), its text,
formatting and buttons are compared with the new ones first and an identical edit is not
asked for at all. A message edited by id (a card refreshed after someone else's change, a
progress message) cannot be seen before editing: there, and for the rare race where the tapped
message changed since the tap, the refusal is recognised (`not_modified`, the one place that
knows Telegram's wording) and treated as "already up to date".
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.error import BadRequest

if TYPE_CHECKING:
    from handlers.context import BotContext

Entity = tuple[str, int, int, str]

# Tags of Telegram's HTML parse mode and the entity each one makes.
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_KINDS = {*_TAGS.values(), "expandable_blockquote"}
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def not_modified(error: BadRequest) -> bool:
    """Whether Telegram refused an edit because nothing would change."""
    return "not modified" in error.message.lower()


def gone(error: BadRequest) -> bool:
    """Whether Telegram refused an edit because the message is gone or can no longer change."""
    text = error.message.lower()
    return "not found" in text or "can't be edited" in text


async def edit_tapped(
    ctx: BotContext, query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Show `text` (HTML) and `markup` in the message whose button was tapped; False when it
    already shows exactly that (nothing is sent then)."""
    if shows(query.message, text, markup):
        return False
    chat_id, message_id = _tapped(query)
    key = ctx.message_key(message_id) if message_id is not None else None
    ctx.outgoing.edit(chat_id, key, text, markup, query.inline_message_id, ctx.bot_number)
    return True


async def edit_buttons(
    ctx: BotContext, query: CallbackQuery, markup: InlineKeyboardMarkup | None
) -> bool:
    """Replace (None: remove) the buttons of the tapped message, unless they are already so."""
    message = query.message
    if isinstance(message, Message) and _same_markup(message.reply_markup, markup):
        return False
    chat_id, message_id = _tapped(query)
    key = ctx.message_key(message_id) if message_id is not None else None
    ctx.outgoing.buttons(chat_id, key, markup, query.inline_message_id, ctx.bot_number)
    return True


def _tapped(query: CallbackQuery) -> tuple[int, int | None]:
    message = query.message
    if message is None:  # a message sent through inline mode
        return query.from_user.id, None
    return message.chat.id, message.message_id


async def edit_sent(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Edit a message by id to show `text` (HTML) and `markup`; False if it already did.
    Other refusals (deleted message, blocked bot) are raised for the caller to judge."""
    try:
        await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=markup,
            link_preview_options=_NO_PREVIEW,
        )
    except BadRequest as error:
        if not not_modified(error):
            raise
        return False
    return True


def shows(message: object, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Whether `message` already shows `text` (Telegram HTML) with `markup`."""
    if not isinstance(message, Message) or message.text is None:
        return False
    if not _same_markup(message.reply_markup, markup):
        return False
    return _formatted(text) == _current(message)


def _same_markup(old: InlineKeyboardMarkup | None, new: InlineKeyboardMarkup | None) -> bool:
    def rows(markup: InlineKeyboardMarkup | None) -> tuple[object, ...]:
        return tuple(tuple(row) for row in markup.inline_keyboard if row) if markup else ()

    return rows(old) == rows(new)


def _current(message: Message) -> tuple[str, list[Entity]]:
    entities = []
    for e in message.entities:
        if e.type == "text_mention" and e.user is not None:
            entities.append(("text_mention", e.offset, e.length, str(e.user.id)))
        elif e.type in _KINDS:
            detail = e.url or e.language or e.custom_emoji_id or ""
            entities.append((str(e.type), e.offset, e.length, detail))
    return message.text or "", sorted(entities)


def _formatted(html: str) -> tuple[str, list[Entity]]:
    """Plain text and formatting entities (UTF-16 offsets) of Telegram HTML, trimmed like
    Telegram trims a message."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    plain = "".join(parser.parts)
    lead = _utf16(plain[: len(plain) - len(plain.lstrip())])
    plain = plain.strip()
    size = _utf16(plain)
    entities = []
    for kind, start, end, detail in parser.entities:
        start, end = max(start - lead, 0), min(end - lead, size)
        if end > start:
            entities.append((kind, start, end - start, detail))
    return plain, sorted(entities)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.entities: list[Entity] = []
        self._open: list[tuple[str, int, str]] = []
        self._at = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        detail = values.get("href") or values.get("emoji-id") or ""
        if tag == "blockquote" and "expandable" in values:
            detail = "expandable"
        if tag == "code" and values.get("class", "").startswith("language-"):
            detail = values["class"].removeprefix("language-")
        self._open.append((tag, self._at, detail))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            name, start, detail = self._open[index]
            if name == tag:
                del self._open[index]
                self._add(tag, start, detail)
                return

    def _add(self, tag: str, start: int, detail: str) -> None:
        kind = _TAGS.get(tag)
        if kind is None or self._at <= start:
            return
        if kind == "text_link" and detail.startswith("tg://user?id="):
            kind, detail = "text_mention", detail.removeprefix("tg://user?id=")
        elif kind == "blockquote" and detail:
            kind, detail = "expandable_blockquote", ""
        if kind == "code" and detail and self._open and self._open[-1][:2] == ("pre", start):
            self._open[-1] = ("pre", start, detail)  # <pre><code class="language-x">: one entity
            return
        self.entities.append((kind, start, self._at, detail))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._at += _utf16(data)
