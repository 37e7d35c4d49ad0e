"""The client's "✅ I accept the work" under the message that the work is done (issue 20,
item 8; docs/checklists.md): one tap records the acceptance (method `telegram`) and the
message says so (a Pay button on it stays); another person's tap is told it is not theirs."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.errors import DomainError
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.errors import describe
from handlers.i18n import N_, Translator
from handlers.keyboards import button

ACCEPTED = N_("✅ Thank you! You accepted the work.")


def accept_markup(t: Translator, org_id: int, order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t.raw("✅ I accept the work"), cb.AcceptWork(org_id, order_id))]]
    )


async def accept_tap(update: Update, ctx: BotContext, tap: cb.AcceptWork) -> None:
    query = update.callback_query
    assert query is not None
    t = ctx.t
    try:
        await ctx.services.acceptances.by_telegram(ctx.actor.user.id, tap.org_id, tap.order_id)
        answer = t(ACCEPTED)
    except DomainError as error:
        if error.code == "client_button_foreign":
            await query.answer(t("This button is not for you."), show_alert=True)
            return
        if error.code not in ("already_accepted", "acceptance_not_done"):
            raise
        answer = describe(t, error)
    await query.answer()
    text = getattr(query.message, "text_html", None) or ""
    await edit_tapped(ctx, query, f"{text}\n\n<b>{answer}</b>", _links(query.message))


def _links(message: object) -> InlineKeyboardMarkup | None:
    """The message's link buttons (Pay, on a done summary with the payment link): kept."""
    markup = getattr(message, "reply_markup", None)
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else ()
    kept = [row for row in rows if all(b.url for b in row)]
    return InlineKeyboardMarkup(kept) if kept else None


async def link_tap(update: Update, ctx: BotContext, tap: cb.AcceptanceLink) -> None:
    """The assignee's "✍️ Client's signature": the order's page, to open on their phone."""
    query = update.callback_query
    assert query is not None
    url = await ctx.services.acceptances.staff_link(ctx.actor, tap.order_id)
    await query.answer()
    text = ctx.t(
        "✍️ Open this page on your phone and give it to the client to accept the work "
        "or sign: {url}",
        url=url,
    )
    await reply(ctx, update, text)
