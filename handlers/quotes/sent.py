"""What the manager sees once /quote sent a quote: sent to the client (its message queued in
this update's unit of work), or that the client cannot be reached."""

from __future__ import annotations

from telegram import Update

from core.outcomes import QuoteSent
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import escape
from handlers.quotes.delivery import send_quote


async def quote_sent(update: Update, ctx: BotContext, sent: QuoteSent) -> None:
    org = ctx.actor.organization
    assert org is not None
    catalogs, name = ctx.bot_data.catalogs, escape(sent.client_name)
    if await send_quote(ctx.services, catalogs, ctx.outgoing, org.id, sent.quote_id):
        text = ctx.t("📤 Quote #{id} is sent to {name}.", id=sent.quote_id, name=name)
    else:
        text = ctx.t(
            "📝 Quote #{id} is saved, but {name} cannot be reached by Telegram, SMS or e-mail "
            "now: please pass it on yourself.",
            id=sent.quote_id,
            name=name,
        )
    await reply(ctx, update, text)
