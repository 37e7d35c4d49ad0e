"""The photo that answers a checklist's photo item (issue 20, item 7; docs/checklists.md): a
photo sent while the conversation `checklist_photo` waits is kept as a file of that order
and answers the item (`core.checklists.flow.ChecklistPhotoSpec`); the conversation ends with
the confirmation and the checklist's count. Any other photo is an ordinary file."""

from __future__ import annotations

from telegram import Update

from core.dialogs.checklist_data import ChecklistPhotoData
from core.dialogs.engine import DialogInput
from handlers.client_loop.staff_photo import keep_photo
from handlers.context import BotContext


async def checklist_photo(update: Update, ctx: BotContext) -> bool:
    """True when the photo answered a checklist item (handled here)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.photo or not ctx.has_actor:
        return False
    state = await ctx.services.dialogs.current(ctx.actor, chat.id)
    if state is None or not isinstance(state.data, ChecklistPhotoData):
        return False
    from handlers.outcomes import show  # the outcomes render the checklist's answers

    kept = await keep_photo(ctx, message, message.photo[-1], state.data.order_id)
    given = DialogInput(photo=kept, step=state.step)
    await show(update, ctx, await ctx.services.dialogs.answer(ctx.actor, chat.id, given))
    return True
