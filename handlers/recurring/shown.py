"""What a series' conversations end with: the series made, or visits changed from one on."""

from __future__ import annotations

from telegram import Update

from core.outcomes import SeriesChanged, SeriesStarted
from core.recurring.rules import local_of
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.orders.publish import refresh_cards, send_card
from handlers.recurring.news import tell_series
from handlers.recurring.render import describe, short_date


async def series_started(update: Update, ctx: BotContext, outcome: SeriesStarted) -> None:
    t, org = ctx.t, ctx.actor.organization
    assert org is not None and update.effective_chat is not None
    now = ctx.services.clock.now()
    text = t(
        "🔁 Order №{number} now repeats: {series}.",
        number=outcome.order.number,
        series=describe(t, outcome.series, local_of(now, org.timezone)),
    )
    if outcome.made:
        last = outcome.made[-1].scheduled_at
        assert last is not None
        day = short_date(local_of(last, org.timezone).date(), local_of(now, org.timezone).date())
        text += "\n" + t.n(
            "{count} more visit is planned, up to {day}; later ones are added day by day.",
            "{count} more visits are planned, up to {day}; later ones are added day by day.",
            len(outcome.made),
            day=day,
        )
    await reply(ctx, update, text)
    card = await ctx.services.orders.card(ctx.actor, outcome.order.id)
    await send_card(ctx, update.effective_chat.id, card)


async def series_changed(update: Update, ctx: BotContext, outcome: SeriesChanged) -> None:
    """Every card of the changed visits is redrawn; one answer sums it up, and each person
    the visits concern gets one summary (`handlers.recurring.news`)."""
    for change in outcome.changes:
        refresh_cards(ctx, change)
    await tell_series(ctx, outcome.changes)
    text = ctx.t.n(
        "Saved: {count} visit of the series changed, from order №{number} on.",
        "Saved: {count} visits of the series changed, from order №{number} on.",
        len(outcome.changes),
        number=outcome.number,
    )
    await reply(ctx, update, text)
