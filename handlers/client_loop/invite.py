"""Staff side of linking: "Invite client to Telegram" on the order card and the client card.

A tap issues a one-use invitation (`ClientLoopService.invite`) and answers the owner or
manager with one message: the link as a QR code to show or forward, captioned with the deep
link and how long it works. It goes through the outbox with the update's change (the
invitation), so a link is never sent for an invitation that did not commit.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_buttons
from handlers.formatting import when
from handlers.i18n import Translator, escape
from handlers.keyboards import button


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


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
    own = ctx.bot_data.own_bot_username(org.id)  # the organization's own bot, if it has one
    link = deep_link(own or ctx.application.bot.username, issued.token)
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
    ctx.outgoing.qr(chat.id, link, text)


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
