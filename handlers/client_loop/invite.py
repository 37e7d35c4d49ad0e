"""Staff side of linking: "Invite client to Telegram" on the order card and the client card.

A tap issues a one-use invitation (`ClientLoopService.invite`) and answers the owner or
manager with the deep link, how long it works, and the link as a QR code to show or forward.
The text goes through the outbox with the update's change (the invitation); the outbox sends
text and map pictures only, so the QR code (a PNG made here, in memory) is sent directly, as
other read-only media answers are, right before the update commits.
"""

from __future__ import annotations

import io
import logging

import segno
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_buttons
from handlers.delivery.replies import reply
from handlers.formatting import when
from handlers.i18n import Translator, escape
from handlers.keyboards import button

log = logging.getLogger(__name__)
QR_SCALE = 8  # pixels per module: a 34-character link makes a code of about 300 px


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def qr_png(link: str) -> bytes:
    """The link as a QR code image (PNG), with the quiet zone scanners need."""
    out = io.BytesIO()
    segno.make_qr(link, error="m").save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


def invite_button(
    t: Translator, client_id: int, order_id: int | None = None
) -> InlineKeyboardButton:
    label = t.raw("🔗 Invite client to Telegram")
    if order_id is None:
        return button(label, cb.InviteClient(client_id))
    return button(label, cb.InviteOrderClient(client_id, order_id))


async def invite_tap(
    update: Update, ctx: BotContext, tap: cb.InviteClient | cb.InviteOrderClient
) -> None:
    """Issue the invitation (owners and managers; the service checks) and send it."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    t, actor = ctx.t, ctx.actor
    service = ctx.services.client_loop
    if await service.linked(actor, tap.client_id):
        await query.answer(t.raw("This client is already linked to Telegram."))
        await edit_buttons(ctx, query, _without_invites(query))
        return
    order_id = tap.order_id if isinstance(tap, cb.InviteOrderClient) else None
    issued = await service.invite(actor, tap.client_id, order_id)
    await query.answer()
    org = actor.organization
    assert org is not None
    link = deep_link(ctx.bot.username, issued.token)
    text = "\n\n".join(
        [
            t("🔗 <b>A link for your client to open our chat in Telegram</b>"),
            escape(link),
            t(
                "It works once, until {date}. Send it by SMS, e-mail or any messenger, or let "
                "the client scan the QR code.",
                date=when(t, issued.expires_at, org.timezone),
            ),
        ]
    )
    await _send_qr(ctx, chat.id, link, t.raw("QR code of the link for the client"))
    await reply(ctx, update, text)


def _without_invites(query: CallbackQuery) -> InlineKeyboardMarkup | None:
    """The tapped message's buttons without the invitation (a card drawn before the client
    was linked)."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    invites = (cb.InviteClient, cb.InviteOrderClient)
    rows = [
        [b for b in row if not isinstance(cb.decode(b.callback_data), invites)]
        for row in (markup.inline_keyboard if markup else ())
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


async def _send_qr(ctx: BotContext, chat_id: int, link: str, caption: str) -> None:
    try:
        await ctx.bot.send_photo(chat_id, qr_png(link), caption=caption, parse_mode=None)
    except (BadRequest, Forbidden) as error:
        log.info("invitation QR code not sent: %s", type(error).__name__)
