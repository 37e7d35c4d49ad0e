"""The Bot API call each outbox delivery stands for (core/runtime/outbox.py `Method`), made
through the bot the sender chose for it (bot/outbox.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions

from bot.outbox_files import send_invoice_files
from core.client_loop.confirm import invitation_of
from core.runtime.outbox import Delivery, Method
from core.services import Services
from handlers.delivery.outgoing import markup_of
from handlers.delivery.qr import qr_png
from integrations.ical import invitation_ics

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MapDrawer = Callable[[float, float], Awaitable[bytes | None]]
FileBytes = Callable[[int, str], Awaitable[bytes]]  # (bot number, its file id) -> bytes


async def call(
    bot: Bot, delivery: Delivery, services: Services, draw_map: MapDrawer, files: FileBytes
) -> int | None:
    """Make the Bot API call the delivery stands for through `bot`, the bot of number
    `delivery.bot`; the message id. An "on my way" edit comes here as the edit of its
    message (bot/outbox.py)."""
    p, chat = delivery.params, delivery.chat_id
    markup = markup_of(p.get("markup"))
    if delivery.method is Method.SEND:
        message = await bot.send_message(
            chat,
            str(p["text"]),
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
        return message.message_id
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
    inline_id = str(inline) if inline is not None else None
    chat_id = None if inline_id is not None else chat
    message_id = None if inline_id is not None else int(str(p["message_id"]))
    inline_markup = markup if isinstance(markup, InlineKeyboardMarkup) else None
    if delivery.method is Method.EDIT:
        await bot.edit_message_text(
            str(p["text"]),
            chat_id=chat_id,
            message_id=message_id,
            inline_message_id=inline_id,
            reply_markup=inline_markup,
            link_preview_options=NO_PREVIEW,
        )
    else:
        await bot.edit_message_reply_markup(
            chat_id=chat_id,
            message_id=message_id,
            inline_message_id=inline_id,
            reply_markup=inline_markup,
        )
    return None
