"""/quote and the client card's "📝 Quote": the conversation of `core.quotes.flow` (owners
and managers; a worker is refused by the flow's first lookup, "Your role does not allow
this.")."""

from __future__ import annotations

from telegram import Update

from core.quotes.flow import QUOTE, quote_start
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.outcomes import show


async def quote_command(update: Update, ctx: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    prompt = await ctx.services.dialogs.start(ctx.actor, chat.id, QUOTE, quote_start())
    await show(update, ctx, prompt)


async def client_quote_tap(update: Update, ctx: BotContext, tap: cb.ClientQuote) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    await ctx.services.clients.card(ctx.actor, tap.client_id)  # still there, still visible
    prompt = await ctx.services.dialogs.start(
        ctx.actor, chat.id, QUOTE, quote_start(tap.client_id)
    )
    await query.answer()
    await show(update, ctx, prompt)
