"""The /availability buttons that start a conversation (kept apart from
`handlers.availability`, which `handlers.outcomes` imports)."""

from __future__ import annotations

from telegram import Update

from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.outcomes import show


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def ask_tap(update: Update, ctx: BotContext, tap: cb.AvailabilityAsk) -> None:
    query = update.callback_query
    assert query is not None
    flow = "work_hours" if tap.what == "hours" else "time_off"
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), flow)
    await query.answer()
    await show(update, ctx, prompt)
