"""Sending replies: always HTML, the chat the update came from."""

from __future__ import annotations

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.edits import edit_buttons

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


async def reply(update: Update, text: str, markup: Markup = None) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


async def drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons of the tapped message; already gone (a double tap) is fine."""
    try:
        await edit_buttons(query, None)
    except BadRequest as error:
        if "not found" not in error.message:
            raise
