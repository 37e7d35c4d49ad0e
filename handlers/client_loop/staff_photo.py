"""A staff member answering a client with a photo (issue 19, item 9): a photo sent while the
conversation `client_reply` waits for the text is the answer, its caption the text. The
photo is kept as a file of the order (so an e-mail can attach it and an SMS link to it), then
goes to the client by their channel (core/client_loop/relay.py `reply_photo`)."""

from __future__ import annotations

from telegram import Message, PhotoSize, Update

from core.dialogs.client_data import ClientReplyData
from core.errors import DomainError
from core.files.service import IncomingFile
from core.ownbot.routing import SHARED_BOT
from handlers.client_loop.staff_message import client_messaged
from handlers.context import BotContext

CLOUD_DOWNLOAD_LIMIT = 20 * 2**20  # what a bot may download from Telegram


async def reply_photo(update: Update, ctx: BotContext) -> bool:
    """True when the photo was a staff member's answer to a client (handled here)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.photo or not ctx.has_actor:
        return False
    state = await ctx.services.dialogs.current(ctx.actor, chat.id)
    if state is None or not isinstance(state.data, ClientReplyData):
        return False
    photo = message.photo[-1]
    kept = None
    if state.data.order_id is not None:
        kept = await keep_photo(ctx, message, photo, state.data.order_id)
    default = ctx.bot_data.catalogs.default
    sent = await ctx.services.client_loop.reply_photo(
        ctx.actor, chat.id, photo.file_id, message.caption, kept, default
    )
    if sent is None:
        return False
    await client_messaged(update, ctx, sent)
    return True


async def keep_photo(ctx: BotContext, message: Message, photo: PhotoSize, order_id: int) -> int:
    """The photo as a file of the order (its id), stored now or by the upload job."""
    if (photo.file_size or 0) > CLOUD_DOWNLOAD_LIMIT:
        size = round((photo.file_size or 0) / 2**20, 1)
        raise DomainError("file_too_large", limit_mb=20, size_mb=size)
    data = bytes(await (await photo.get_file()).download_as_bytearray())
    bot = ctx.scope.bot if ctx.in_update else SHARED_BOT
    incoming = IncomingFile(data, "image/jpeg", None, message.caption, photo.file_id, None, bot)
    attached = await ctx.services.files.attach(ctx.actor, order_id, incoming)
    stored = attached.duplicate or await ctx.services.files.upload_now(attached.attachment)
    if not stored and ctx.bot_data.background is not None:
        ctx.bot_data.background.wake()  # storage is down: the upload job takes over
    return attached.attachment.id
