"""A series on the order card (its line, 🔁 Repeat or 🔁 Series) and on the client card."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.domain import OrderStatus
from core.permissions import Action, allowed
from core.recurring.rules import local_of
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.i18n import Translator
from handlers.keyboards import button
from handlers.recurring.render import describe

REPEATABLE = (OrderStatus.NEW, OrderStatus.ASSIGNED)


def series_line(t: Translator, card: OrderCard) -> str:
    assert card.series is not None
    now = local_of(card.now, card.organization.timezone) if card.now is not None else None
    return describe(t, card.series, now)


def series_button(t: Translator, card: OrderCard) -> InlineKeyboardButton | None:
    """For owners and managers: the series of a visit, or 🔁 Repeat for an order that is
    scheduled and not started."""
    o = card.order
    if not card.sees_history:
        return None
    if card.series is not None:
        return button(t.raw("🔁 Series"), cb.SeriesMenu(o.id))
    if o.series_id is None and o.scheduled_at is not None and o.status in REPEATABLE:
        return button(t.raw("🔁 Repeat"), cb.RepeatOrder(o.id))
    return None


async def with_series_button(
    ctx: BotContext, client_id: int, markup: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    """The client card's keyboard, with "End series" when the client has any (managers)."""
    if not allowed(ctx.actor.role, Action.ORDER_ASSIGN):
        return markup
    found = await ctx.services.series.client_series(ctx.actor, client_id)
    if not found:
        return markup
    label = ctx.t("⏹ End recurring visits ({count})", count=len(found))
    rows = [list(row) for row in markup.inline_keyboard] if markup is not None else []
    rows.append([button(label, cb.ClientSeriesEnd(client_id))])
    return InlineKeyboardMarkup(rows)
