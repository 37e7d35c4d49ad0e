"""Photos, albums and documents sent to the bot: attached to the sender's current order."""

from __future__ import annotations

from telegram import Document, InputMediaPhoto, Message, PhotoSize, Update

from core.domain import Order
from core.errors import DomainError
from core.services.files import Attached, IncomingFile
from handlers.context import BotContext
from handlers.i18n import Translator
from handlers.keyboards import button, column
from handlers.replies import reply

CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024


def _file_of(message: Message) -> PhotoSize | Document | None:
    if message.photo:
        return message.photo[-1]
    return message.document


async def receive(update: Update, ctx: BotContext) -> None:
    message = update.effective_message
    assert message is not None
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
            ctx.actor, order, message.media_group_id, message.chat_id
        )
        wake_jobs(ctx)
        return
    await reply(update, saved_text(ctx.t, attached))


async def _store(
    ctx: BotContext, message: Message, file: PhotoSize | Document, order: Order
) -> Attached:
    data = bytes(await (await file.get_file()).download_as_bytearray())
    name = file.file_name if isinstance(file, Document) else None
    mime = file.mime_type if isinstance(file, Document) else "image/jpeg"
    incoming = IncomingFile(
        data, mime, name, message.caption, file.file_id, message.media_group_id
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
            update,
            ctx.t(
                "You have no open order to attach files to. Open an order's "
                "card first, then send the files."
            ),
        )
        return
    buttons = [button(f"№{o.number}", "o", o.id) for o in choices]
    await reply(
        update,
        ctx.t("Which order are these files for? Open its card, then send the files again."),
        column(buttons),
    )


async def show_files(update: Update, ctx: BotContext) -> None:
    """`ofi:<order>`: the order's photos as an album (reusing Telegram's file ids) and its
    documents."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    attachments = await ctx.services.files.files(ctx.actor, int((query.data or "").split(":")[1]))
    await query.answer()
    chat = update.effective_chat
    photos = [a for a in attachments if a.kind == "photo"]
    for start in range(0, len(photos), 10):
        media = [
            InputMediaPhoto(
                a.telegram_file_id or await ctx.services.files.content(a), caption=a.caption
            )
            for a in photos[start : start + 10]
        ]
        await chat.send_media_group(media)
    for doc in (a for a in attachments if a.kind != "photo"):
        source = doc.telegram_file_id or await ctx.services.files.content(doc)
        await chat.send_document(source, caption=doc.caption, filename=doc.file_name)
    if not attachments:
        await reply(update, ctx.t("No files on this order yet."))
