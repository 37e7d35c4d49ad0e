"""What the manager sees once /quote sent a quote."""

from __future__ import annotations

from telegram import Update

from core.outcomes import QuoteSent
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import escape


async def quote_sent(update: Update, ctx: BotContext, sent: QuoteSent) -> None:
    text = ctx.t(
        "📤 Quote #{id} is sent to {name}.", id=sent.quote_id, name=escape(sent.client_name)
    )
    await reply(ctx, update, text)
