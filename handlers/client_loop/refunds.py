"""Staff refunding a client's online payment from the order card (issue 19, item 7), whole or
in parts: "↩️ Refund" (shown to those who see the history on an order paid by card; the
service lets owners and managers through) starts the refund conversation: how much (typed,
or all that is left tapped), then "Yes, refund", which queues the refund's job in the
conversation's unit of work (the bank is asked outside any transaction, retried if it is
down). When the bank has taken it back, the client gets a message with the amount and the
staff a notice (`handlers.client_loop.payments`). "Yes, refund" buttons of cards sent before
partial refunds existed refund all that is left."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.dialogs.engine import DialogState, data_as, required
from core.dialogs.payment_data import RefundData
from core.domain import PaymentMethod
from core.outcomes import RefundRequested
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.formatting import money
from handlers.i18n import Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered


def refund_button(t: Translator, card: OrderCard) -> InlineKeyboardButton | None:
    """For those who see the order's history, on an order with a card payment."""
    order = card.order
    paid_by_card = any(p.method is PaymentMethod.CARD for p in card.payments)
    if not card.sees_history or order.paid_minor <= 0 or not paid_by_card:
        return None
    return button(t.raw("↩️ Refund"), cb.RefundAsk(order.id))


def asked_text(t: Translator, amount: str) -> str:
    return t("↩️ The bank is asked to refund {amount}; you will get a message when it has.",
             amount=amount)  # fmt: skip


def _b(state: DialogState, label: str, value: str) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, value))


def amount_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, RefundData)
    currency = required(d.currency)
    left = money(t, required(d.left), currency)
    lines = [
        t("↩️ Refund to the client's card, order №{number}.", number=d.number),
        t("Paid online: {paid}. Refunded: {refunded}. Left: {left}.",
          paid=money(t, required(d.paid), currency),
          refunded=money(t, required(d.refunded), currency), left=left),
        t("How much to refund? Type an amount or tap to refund all that is left. "
          "/cancel to stop."),
    ]  # fmt: skip
    markup = InlineKeyboardMarkup([[_b(state, t.raw("All {amount}").format(amount=left), "all")]])
    return "\n".join(lines), markup


def sure_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, RefundData)
    amount = money(t, required(d.amount), required(d.currency))
    text = t("Refund {amount} paid online to the client's card?", amount=amount)
    return text, InlineKeyboardMarkup([[_b(state, t.raw("↩️ Yes, refund"), "yes")]])


REFUND_PROMPTS = {("refund", "amount"): amount_prompt, ("refund", "sure"): sure_prompt}


async def refund_requested(update: Update, ctx: BotContext, done: RefundRequested) -> None:
    await reply(ctx, update, asked_text(ctx.t, money(ctx.t, done.amount, done.currency)))
