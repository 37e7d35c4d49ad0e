"""Replies to the chat the update came from: HTML, sent after the update is applied."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update

from handlers.context import BotContext
from handlers.delivery.edits import edit_buttons, edit_tapped
from handlers.delivery.outgoing import Markup
from handlers.i18n import Translator

__all__ = [
    "Markup",
    "drop_keyboard",
    "record_tap",
    "reply",
    "reply_first",
    "tapped_label",
    "without_tapped",
]


async def reply(ctx: BotContext, update: Update, text: str, markup: Markup = None) -> None:
    chat = update.effective_chat
    if chat is not None:
        ctx.outgoing.send(chat.id, text, markup)


async def drop_keyboard(ctx: BotContext, query: CallbackQuery) -> None:
    """Remove the buttons of the tapped message (already gone, a double tap, is fine)."""
    await edit_buttons(ctx, query, None)


async def reply_first(ctx: BotContext, update: Update, text: str) -> Message | None:
    """Sent at once, before the update's change, for a change that needs the message's id
    (the progress message an export edits). Killed before the change commits, the update is
    applied again from the inbox and the message is sent a second time: one at most."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await ctx.bot.send_message(chat.id, text)


async def record_tap(ctx: BotContext, query: CallbackQuery, t: Translator) -> None:
    """A picker, once used, keeps its text, loses its buttons and says what was chosen, so
    the chat reads as a record of what was decided (and an old button cannot be tapped)."""
    message = query.message
    label = tapped_label(query)
    if not isinstance(message, Message) or not message.text or label is None:
        await drop_keyboard(ctx, query)
        return
    await edit_tapped(
        ctx, query, message.text_html + "\n\n" + t("<b>{choice}</b> ✓", choice=label)
    )


def tapped_label(query: CallbackQuery) -> str | None:
    """The tapped button's label, without the "✓ " that marks a suggested or current choice
    (the echo adds its own mark: "Language: Русский ✓", not "✓ Русский ✓")."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text.removeprefix("✓ ")
    return None


def without_tapped(query: CallbackQuery) -> InlineKeyboardMarkup | None:
    """The tapped message's buttons without the one tapped (None: no button left)."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    rows = [
        [b for b in row if b.callback_data != query.data]
        for row in (markup.inline_keyboard if markup else ())
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None
