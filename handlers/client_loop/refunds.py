"""The owner's refund of a client's online payment from the staff order card (issue 19, item
7): "↩️ Refund" (shown to owners and managers on an order paid by card; the service lets only
owners through) asks for a confirmation with the amount; "Yes, refund" queues the refund's job
in the update's unit of work (the bank is asked outside any transaction, retried if it is
down) and says so. When the bank has taken it back, the client gets a message and the staff a
notice (`handlers.client_loop.payments`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.domain import PaymentMethod
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.formatting import money
from handlers.i18n import Translator
from handlers.keyboards import button


def refund_button(t: Translator, card: OrderCard) -> InlineKeyboardButton | None:
    """For those who see the order's history, on an order with a card payment."""
    order = card.order
    paid_by_card = any(p.method is PaymentMethod.CARD for p in card.payments)
    if not card.sees_history or order.paid_minor <= 0 or not paid_by_card:
        return None
    return button(t.raw("↩️ Refund"), cb.RefundAsk(order.id))


async def refund_tap(update: Update, ctx: BotContext, tap: cb.RefundAsk | cb.RefundSure) -> None:
    query = update.callback_query
    assert query is not None
    t, payments = ctx.t, ctx.services.client_payments
    currency = ctx.actor.organization.currency if ctx.actor.organization else "RUB"
    if isinstance(tap, cb.RefundAsk):
        paid = await payments.refundable(ctx.actor, tap.order_id)
        await query.answer()
        amount = money(t, paid.amount_minor, currency)
        text = t("Refund {amount} paid online to the client's card?", amount=amount)
        sure = button(t.raw("↩️ Yes, refund"), cb.RefundSure(tap.order_id))
        await reply(ctx, update, text, InlineKeyboardMarkup([[sure]]))
        return
    paid = await payments.request_refund(ctx.actor, tap.order_id)
    await query.answer()
    amount = money(t, paid.amount_minor, currency)
    text = t("↩️ The bank is asked to refund {amount}; you will get a message when it has.",
             amount=amount)  # fmt: skip
    await edit_tapped(ctx, query, text)
