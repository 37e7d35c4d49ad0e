"""An order's "🧾 Lines" in the chat (issue 20, item 4): the lines with a "✏️" (a new
quantity, asked by the conversation `line_quantity`) and a "🗑" (asked once, then removed) for
each, to those who may change them until Done (`core.catalogue.rules.may_change_lines`).
A change is published like any other change of the order (cards, notices, the client told
of the new total) and the view is redrawn in place."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.catalogue.model import LineItem
from core.catalogue.rules import may_change_lines
from core.dialogs.catalogue_data import LineQuantityData
from core.domain import Order
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.formatting import money
from handlers.i18n import Translator, escape
from handlers.keyboards import button
from handlers.orders.line_render import line_name, line_text
from handlers.orders.publish import publish_change
from handlers.outcomes import show

TEXT_MAX = 3800  # of Telegram's 4096 characters: the rest of a long list is summed up
LABEL_MAX = 24  # characters of a line's name on its button


def lines_view(
    t: Translator, order: Order, lines: Sequence[LineItem], currency: str, editable: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The numbered lines, the total, and a row of buttons a line while they may change."""
    head = t("🧾 Lines of order №{number}:", number=order.number)
    rows: list[str] = []
    for i, line in enumerate(lines, 1):
        row = f"{i}. {escape(line_text(t, line, currency))}"
        if sum(len(r) + 1 for r in rows) + len(row) > TEXT_MAX:
            rows.append(t("… {count} more", count=len(lines) - i + 1))
            break
        rows.append(row)
    if not lines:
        rows.append(t("No lines yet: the order has its price as agreed."))
    total = t("💰 Total: {total}", total=money(t, order.price_minor or 0, currency))
    text = "\n".join([head, *rows, total])
    if not editable or not lines:
        return text, None
    grid = [
        [
            button(f"✏️ {i}. {line_name(t, line)[:LABEL_MAX]}", cb.LineQuantity(order.id, line.id)),
            button(f"🗑 {i}", cb.LineRemove(order.id, line.id)),
        ]
        for i, line in enumerate(lines, 1)
    ]
    return text, InlineKeyboardMarkup(grid)


async def _view(ctx: BotContext, order_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    org = ctx.actor.organization
    assert org is not None
    order, lines = await ctx.services.order_lines.lines(ctx.actor, order_id)
    return lines_view(ctx.t, order, lines, org.currency, may_change_lines(ctx.actor, order))


async def lines_tap(update: Update, ctx: BotContext, tap: cb.LinesOpen) -> None:
    """ "🧾 Lines" of a card (a new message), or "⬅️ Back" from the question (in place)."""
    query = update.callback_query
    assert query is not None
    text, markup = await _view(ctx, tap.order_id)
    await query.answer()
    if tap.how == "e":
        await edit_tapped(ctx, query, text, markup)
    else:
        await reply(ctx, update, text, markup)


async def quantity_tap(update: Update, ctx: BotContext, tap: cb.LineQuantity) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    data = LineQuantityData(order_id=tap.order_id, line_id=tap.line_id)
    prompt = await ctx.services.dialogs.start(
        ctx.actor, update.effective_chat.id, "line_quantity", data
    )
    await query.answer()
    await show(update, ctx, prompt)


async def remove_tap(update: Update, ctx: BotContext, tap: cb.LineRemove) -> None:
    """ "🗑": asked once, in place of the list."""
    query = update.callback_query
    assert query is not None
    org = ctx.actor.organization
    assert org is not None
    t = ctx.t
    order, lines = await ctx.services.order_lines.editable_lines(ctx.actor, tap.order_id)
    found = [(i, x) for i, x in enumerate(lines, 1) if x.id == tap.line_id]
    await query.answer()
    if not found:
        await edit_tapped(ctx, query, *await _view(ctx, tap.order_id))
        return
    i, line = found[0]
    text = t(
        "🗑 Remove line {index} of order №{number}?\n{line}",
        index=i, number=order.number, line=escape(line_text(t, line, org.currency)),
    )  # fmt: skip
    buttons: list[InlineKeyboardButton] = [
        button(t.raw("🗑 Yes, remove"), cb.LineRemoveSure(tap.order_id, tap.line_id)),
        button(t.raw("⬅️ Back"), cb.LinesOpen(tap.order_id, "e")),
    ]
    await edit_tapped(ctx, query, text, InlineKeyboardMarkup([buttons]))


async def remove_sure_tap(update: Update, ctx: BotContext, tap: cb.LineRemoveSure) -> None:
    """Remove the line; the change is published and the list redrawn in place. A second tap
    is refused (`line_gone`) by the error handler, with nothing changed."""
    query = update.callback_query
    assert query is not None
    org = ctx.actor.organization
    assert org is not None
    edited = await ctx.services.order_lines.edit_line(ctx.actor, tap.order_id, tap.line_id, None)
    await query.answer(ctx.t("Removed."))
    await publish_change(ctx, edited.change)
    card = edited.change.card
    editable = may_change_lines(ctx.actor, card.order)
    await edit_tapped(
        ctx, query, *lines_view(ctx.t, card.order, card.lines, org.currency, editable)
    )
