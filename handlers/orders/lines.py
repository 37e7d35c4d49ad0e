"""Line items in the chat (issue 20, item 4): "➕ Add line" on a card starts the question
(`core.catalogue.flow`); the client's "✅ Approve" and "✖️ Decline" under the message about
a new total (`handlers.orders.line_news`) are answered here."""

from __future__ import annotations

from telegram import Update

from core.catalogue.approval import Approval
from core.dialogs.catalogue_data import OrderLineData
from core.errors import DomainError
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.formatting import money
from handlers.i18n import N_
from handlers.orders.publish import redraw
from handlers.outcomes import show

ANSWERS = {
    Approval.APPROVED: N_("✅ Thank you! You approved the new total of {total}."),
    Approval.DECLINED: N_(
        "✖️ You declined the new total of {total}. The organization will get in touch."
    ),
    Approval.NOTHING: N_("There is nothing to approve on this order now."),
    Approval.OUTDATED: N_("The total has changed again: please look at the latest message."),
    Approval.CHANGED: N_("The order has just changed. Please try again."),
}


async def add_line_tap(update: Update, ctx: BotContext, tap: cb.AddLine) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    prompt = await ctx.services.dialogs.start(
        ctx.actor, update.effective_chat.id, "order_line", OrderLineData(order_id=tap.order_id)
    )
    await query.answer()
    await show(update, ctx, prompt)


async def approve_tap(
    update: Update, ctx: BotContext, tap: cb.ApproveTotal | cb.DeclineTotal
) -> None:
    """The client's "✅ Approve" or "✖️ Decline": another person's tap is told it is not
    theirs; the staff's cards of the order are redrawn in the update's unit of work."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    approve = isinstance(tap, cb.ApproveTotal)
    try:
        outcome = await ctx.services.approvals.by_telegram(
            ctx.actor.user.id, tap.org_id, tap.order_id, tap.total, approve
        )
    except DomainError as error:
        if error.code != "client_button_foreign":
            raise
        await query.answer(t("This button is not for you."), show_alert=True)
        return
    await query.answer()
    redraw(ctx.bot_data.catalogs, ctx.outgoing, outcome.shown, outcome.order.number)
    total = money(t, tap.total, outcome.currency)
    text = getattr(query.message, "text_html", None) or ""
    answer = t(ANSWERS[outcome.answer], total=total)
    keep = outcome.answer is Approval.CHANGED
    markup = getattr(query.message, "reply_markup", None) if keep else None
    await edit_tapped(ctx, query, f"{text}\n\n<b>{answer}</b>", markup)
