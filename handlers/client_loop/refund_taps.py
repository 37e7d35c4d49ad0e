"""The taps of a staff refund (issue 19, item 7; the conversation is in
`handlers.client_loop.refunds`): "↩️ Refund" starts it, and an older card's "Yes, refund"
refunds all that is left."""

from __future__ import annotations

from telegram import Update

from core.dialogs.payment_data import RefundData
from handlers import callbacks as cb
from handlers.client_loop.refunds import asked_text
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.formatting import money
from handlers.outcomes import show


async def refund_tap(update: Update, ctx: BotContext, tap: cb.RefundAsk | cb.RefundSure) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    t, payments = ctx.t, ctx.services.client_payments
    currency = ctx.actor.organization.currency if ctx.actor.organization else "RUB"
    if isinstance(tap, cb.RefundAsk):
        await payments.refundable(ctx.actor, tap.order_id)  # a terminal, something left
        await query.answer()
        start = RefundData(order_id=tap.order_id)
        prompt = await ctx.services.dialogs.start(ctx.actor, chat.id, start.flow, start)
        await show(update, ctx, prompt)
        return
    _, asked = await payments.request_refund(ctx.actor, tap.order_id)  # an older card's
    await query.answer()
    amount = money(t, asked, currency)
    await edit_tapped(ctx, query, asked_text(t, amount))
