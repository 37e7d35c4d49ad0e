"""Sending a client card to the person who asked for it."""

from __future__ import annotations

from telegram import Update

from core.permissions import Action, allowed
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.formatting import money
from handlers.orders.cards import client_keyboard, client_text
from handlers.recurring.card import with_series_button


async def send_client(update: Update, ctx: BotContext, client_id: int) -> None:
    card = await ctx.services.clients.card(ctx.actor, client_id)
    org = ctx.actor.organization
    assert org is not None
    can_edit = allowed(ctx.actor.role, Action.CLIENT_EDIT)
    text = client_text(ctx.t, card, org.currency, org.timezone)
    text += await balance_line(ctx, client_id)
    markup = await with_series_button(ctx, client_id, client_keyboard(ctx.t, card, can_edit))
    await reply(ctx, update, text, markup)


async def balance_line(ctx: BotContext, client_id: int) -> str:
    """What the client has left to pay on their invoices (issue 20, item 6), as a line after
    the card for those who see every order; empty when nothing is open."""
    org = ctx.actor.organization
    if org is None or not allowed(ctx.actor.role, Action.ORDER_VIEW_ALL):
        return ""
    left = sum(due for _, due in await ctx.services.invoices.of_client(ctx.actor, client_id))
    if left <= 0:
        return ""
    return "\n" + ctx.t("💰 Open balance: {amount}", amount=money(ctx.t, left, org.currency))
