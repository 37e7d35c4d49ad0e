"""The Bot API call each outbox delivery stands for (core/runtime/outbox.py `Method`), made
through the bot the sender chose for it (bot/outbox.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from telegram import Bot, InputFile

from bot.outbox_files import send_invoice_files
from core.client_loop.confirm import invitation_of
from core.runtime.outbox import Delivery, Method
from core.services import Services
from handlers.delivery.qr import qr_png
from integrations.ical import invitation_ics

# Every message the outbox sends or edits is HTML without a link preview.
HTML_NO_PREVIEW: dict[str, object] = {
    "parse_mode": "HTML",
    "link_preview_options": {"is_disabled": True},
}
MapDrawer = Callable[[float, float], Awaitable[bytes | None]]
FileBytes = Callable[[int, str], Awaitable[bytes]]  # (bot number, its file id) -> bytes


async def call(
    bot: Bot, delivery: Delivery, services: Services, draw_map: MapDrawer, files: FileBytes
) -> int | None:
    """Make the Bot API call the delivery stands for through `bot`, the bot of number
    `delivery.bot`; the message id. An "on my way" edit comes here as the edit of its
    message (bot/outbox.py)."""
    p, chat = delivery.params, delivery.chat_id
    if delivery.method is Method.SEND:
        text = {"chat_id": chat, "text": str(p["text"]), **HTML_NO_PREVIEW}
        message = await _post(bot, "sendMessage", _with_markup(text, p.get("markup")))
        return int(message["message_id"])
    if delivery.method is Method.PHOTO:
        picture = await draw_map(float(str(p["latitude"])), float(str(p["longitude"])))
        if picture is not None:
            await bot.send_photo(chat, picture, disable_notification=True)
        return None
    if delivery.method is Method.CALENDAR:
        invitation = invitation_of(cast(dict[str, object], p["invitation"]))
        document = InputFile(invitation_ics(invitation), filename=str(p["filename"]))
        caption = p.get("caption")
        sent = await bot.send_document(
            chat, document, caption=str(caption) if caption is not None else None
        )
        return sent.message_id
    if delivery.method is Method.QR:
        code = qr_png(str(p["link"]))
        sent = await bot.send_photo(chat, code, caption=str(p["caption"]))
        return sent.message_id
    if delivery.method in (Method.DOCUMENT, Method.DOCUMENTS):
        return await send_invoice_files(bot, services, delivery)
    if delivery.method is Method.DELETE:
        await bot.delete_message(chat, int(str(p["message_id"])))
        return None
    if delivery.method is Method.PICTURE:
        # A file id is one bot's: through another bot the photo goes as its bytes.
        photo: str | bytes = str(p["file_id"])
        owner = int(str(p.get("file_bot") or 0))
        if owner != (delivery.bot or 0):
            photo = await files(owner, str(photo))
        sent = await bot.send_photo(chat, photo, caption=str(p["caption"]))
        return sent.message_id
    inline = p.get("inline_message_id")
    target: dict[str, object] = (
        {"inline_message_id": str(inline)}
        if inline is not None
        else {"chat_id": chat, "message_id": int(str(p["message_id"]))}
    )
    markup = p.get("markup")
    inline_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
    if delivery.method is Method.EDIT:
        edit = {**target, "text": str(p["text"]), **HTML_NO_PREVIEW}
        await _post(bot, "editMessageText", _with_markup(edit, inline_markup))
    else:
        await _post(bot, "editMessageReplyMarkup", _with_markup(target, inline_markup))
    return None


async def _post(bot: Bot, endpoint: str, data: dict[str, object]) -> Any:
    """The call with its parameters as JSON values, the answer as JSON: the text and the
    keyboard go as the outbox keeps them, never built into python-telegram-bot objects and
    turned back into JSON, and the message Telegram returns is not parsed into one (about a
    tenth of a tap's CPU, docs/cpu-per-update.md). Through the bot's transport, rate limiter
    and error mapping like any of its methods (bot/telegram_bot.py)."""
    return await bot._post(endpoint, data)


def _with_markup(data: dict[str, object], markup: object) -> dict[str, object]:
    if isinstance(markup, dict):
        data["reply_markup"] = markup
    return data
