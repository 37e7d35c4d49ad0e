"""Photos, albums and documents sent to the bot: attached to the sender's current order; and
the "📎 Files" button that sends an order's files back."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    Document,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
    PhotoSize,
    Update,
)
from telegram.error import BadRequest

from core.domain import Attachment, Order
from core.errors import DomainError
from core.files.service import Attached, IncomingFile
from handlers import callbacks as cb
from handlers.client_loop.staff_photo import reply_photo
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import Translator
from handlers.keyboards import button, column
from handlers.orders.checklist_photo import checklist_photo

log = logging.getLogger(__name__)

CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024
ALBUM_MAX = 10
PHOTO_MIMES = ("image/jpeg", "image/png", "image/webp")
ALBUM_MEDIA = {"photo": InputMediaPhoto, "document": InputMediaDocument, "audio": InputMediaAudio}


def _file_of(message: Message) -> PhotoSize | Document | None:
    if message.photo:
        return message.photo[-1]
    return message.document


async def receive(update: Update, ctx: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    if message.photo and await reply_photo(update, ctx):  # a staff member's answer to a client
        return
    if message.photo and await checklist_photo(update, ctx):  # answers a checklist item
        return
    file = _file_of(message)
    if file is None:
        return
    if (file.file_size or 0) > CLOUD_DOWNLOAD_LIMIT:
        raise DomainError(
            "file_too_large", limit_mb=20, size_mb=round((file.file_size or 0) / 2**20, 1)
        )
    order = await ctx.services.files.target(ctx.actor)
    if order is None:
        await _ask_which_order(update, ctx)
        return
    attached = await _store(ctx, message, file, order)
    if message.media_group_id:
        await ctx.services.files.album_ack(
            ctx.actor, order, message.media_group_id, message.chat_id, ctx.bot_number
        )
        wake_jobs(ctx)
        return
    await reply(ctx, update, saved_text(ctx.t, attached))


async def _store(
    ctx: BotContext, message: Message, file: PhotoSize | Document, order: Order
) -> Attached:
    data = bytes(await (await file.get_file()).download_as_bytearray())
    name = file.file_name if isinstance(file, Document) else None
    mime = file.mime_type if isinstance(file, Document) else "image/jpeg"
    incoming = IncomingFile(
        data, mime, name, message.caption, file.file_id, message.media_group_id, ctx.bot_number
    )
    attached = await ctx.services.files.attach(ctx.actor, order.id, incoming)
    if not attached.duplicate and not await ctx.services.files.upload_now(attached.attachment):
        wake_jobs(ctx)  # storage is down: the upload job takes over
    return attached


def wake_jobs(ctx: BotContext) -> None:
    if ctx.bot_data.background is not None:
        ctx.bot_data.background.wake()


def saved_text(t: Translator, attached: Attached, pending: bool | None = None) -> str:
    counts, number = attached.counts, attached.order.number
    if attached.duplicate:
        return t("This file is already on order №{number}.", number=number)
    photos, documents = counts.get("photo", 0), sum(v for k, v in counts.items() if k != "photo")
    text = t.n(
        "📎 Saved to order №{number}: now {count} photo",
        "📎 Saved to order №{number}: now {count} photos",
        photos,
        number=number,
    )
    if documents:
        text += t.n(" and {count} file", " and {count} files", documents)
    text += "."
    still_uploading = (not attached.attachment.stored) if pending is None else pending
    if still_uploading:
        text += "\n" + t("Uploading to storage in the background; nothing will be lost.")
    return text


async def _ask_which_order(update: Update, ctx: BotContext) -> None:
    choices = await ctx.services.files.choices(ctx.actor)
    if not choices:
        await reply(
            ctx,
            update,
            ctx.t(
                "You have no open order to attach files to. Open an order's "
                "card first, then send the files."
            ),
        )
        return
    buttons = [button(f"№{o.number}", cb.OpenOrder(o.id)) for o in choices]
    await reply(
        ctx,
        update,
        ctx.t("Which order are these files for? Open its card, then send the files again."),
        column(buttons),
    )


async def show_files(update: Update, ctx: BotContext, tap: cb.OrderFiles) -> None:
    """The order's files sent back, photos, documents and audio as albums of
    their own kind, voice and video notes one by one."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    attachments = await ctx.services.files.files(ctx.actor, tap.order_id)
    await query.answer()
    if not attachments:
        await reply(ctx, update, ctx.t("No files on this order yet."))
        return
    for batch in batches(attachments):
        await _send_back(ctx, update.effective_chat.id, batch)


def batches(attachments: list[Attachment]) -> list[list[Attachment]]:
    """Sends in order of kind: albums of one kind (Telegram never mixes documents or audio
    with anything else) of 2-10 items, as even as possible; a lone item goes on its own."""
    by_kind: dict[str, list[Attachment]] = {}
    for attachment in attachments:
        by_kind.setdefault(_sent_as(attachment), []).append(attachment)
    result: list[list[Attachment]] = []
    for kind, items in by_kind.items():
        if kind not in ALBUM_MEDIA:
            result += [[item] for item in items]
            continue
        count = -(-len(items) // ALBUM_MAX)
        size, extra = divmod(len(items), count)
        start = 0
        for index in range(count):
            end = start + size + (index < extra)
            result.append(items[start:end])
            start = end
    return result


async def _send_back(ctx: BotContext, chat_id: int, batch: list[Attachment]) -> None:
    """By Telegram's file ids where known to this bot (a file id is one bot's: another bot's
    is never tried, docs/own-bot.md, Files); a refused id (a photo that arrived as a file has
    a document's id) falls back to the stored bytes, whose new ids are kept for next time."""
    files, bot = ctx.services.files, ctx.bot_number
    sources = [
        a.telegram_file_id
        if a.telegram_file_id and a.telegram_file_bot == bot
        else await files.content(a)
        for a in batch
    ]
    try:
        sent = await _send(ctx.bot, chat_id, batch, sources)
    except BadRequest as error:
        if all(isinstance(source, bytes) for source in sources):
            raise
        log.info("file ids refused, sending the files themselves: %s", error.message)
        sources = [await files.content(a) for a in batch]
        sent = await _send(ctx.bot, chat_id, batch, sources)
    for attachment, source, message in zip(batch, sources, sent, strict=True):
        file_id = _file_id(message) if isinstance(source, bytes) else None
        if file_id is not None:
            await files.remember_file_id(attachment, file_id, bot)


def _sent_as(attachment: Attachment) -> str:
    """How Telegram gets the file: photos it cannot show as photos (HEIC, GIF) go as files."""
    if attachment.kind == "photo" and attachment.mime not in PHOTO_MIMES:
        return "document"
    return attachment.kind


async def _send(
    bot: Bot, chat_id: int, batch: list[Attachment], sources: list[str | bytes]
) -> list[Message]:
    first, source, kind = batch[0], sources[0], _sent_as(batch[0])
    if len(batch) > 1:
        media = [
            ALBUM_MEDIA[kind](src, caption=a.caption, filename=a.file_name, parse_mode=None)
            for a, src in zip(batch, sources, strict=True)
        ]
        return list(await bot.send_media_group(chat_id, media))
    caption, name = first.caption, first.file_name
    if kind == "photo":
        return [await bot.send_photo(chat_id, source, caption=caption, parse_mode=None)]
    if kind == "voice":
        return [await bot.send_voice(chat_id, source, caption=caption, parse_mode=None)]
    if kind == "audio":
        return [
            await bot.send_audio(chat_id, source, caption=caption, filename=name, parse_mode=None)
        ]
    if kind == "video_note":
        return [await bot.send_video_note(chat_id, source)]
    return [
        await bot.send_document(chat_id, source, caption=caption, filename=name, parse_mode=None)
    ]


def _file_id(message: Message) -> str | None:
    media = message.effective_attachment
    if isinstance(media, tuple):  # a photo: its sizes, the largest last
        media = media[-1] if media else None
    file_id = getattr(media, "file_id", None)
    return file_id if isinstance(file_id, str) else None
