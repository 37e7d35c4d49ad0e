"""The series buttons: 🔁 Repeat on a card, the series menu of a visit (skip it, this and
following, pause, resume, end), and ending a client's series from the client card. What
cancels visits asks first; the core use cases decide (`core.recurring`)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.dialogs.data import RepeatData, SeriesEditData
from core.recurring.model import SeriesState
from core.recurring.rules import local_of
from core.views import OrderChange
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import N_, Translator
from handlers.keyboards import button
from handlers.orders.publish import publish_change, refresh_cards
from handlers.outcomes import show
from handlers.recurring.news import tell_series
from handlers.recurring.render import describe

ASK = {
    "skip": (N_("Skip this visit? The series goes on."), N_("Yes, skip it")),
    "pause": (
        N_(
            "Pause the series? Its coming visits not started yet are cancelled; resuming "
            "plans them again."
        ),
        N_("Yes, pause"),
    ),
    "end": (
        N_("End the series? Its coming visits not started yet are cancelled."),
        N_("Yes, end the series"),
    ),
}


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def series_buttons(t: Translator, order_id: int, state: SeriesState) -> InlineKeyboardMarkup:
    rows = [
        [
            button(t.raw("⏭ Skip this visit"), cb.SeriesAct(order_id, "skip")),
            button(t.raw("✏️ This and following"), cb.SeriesAct(order_id, "following")),
        ]
    ]
    if state is SeriesState.ACTIVE:
        rows.append([button(t.raw("⏸ Pause"), cb.SeriesAct(order_id, "pause"))])
    elif state is SeriesState.PAUSED:
        rows.append([button(t.raw("▶️ Resume"), cb.SeriesAct(order_id, "resume"))])
    if state is not SeriesState.ENDED:
        rows[-1].append(button(t.raw("⏹ End series"), cb.SeriesAct(order_id, "end")))
    return InlineKeyboardMarkup(rows)


async def repeat_tap(update: Update, ctx: BotContext, tap: cb.RepeatOrder) -> None:
    query = update.callback_query
    assert query is not None
    data = RepeatData(order_id=tap.order_id)
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), data.flow, data)
    await query.answer()
    await show(update, ctx, prompt)


async def series_menu(update: Update, ctx: BotContext, tap: cb.SeriesMenu) -> None:
    query = update.callback_query
    assert query is not None
    info = await ctx.services.series.info(ctx.actor, tap.order_id)
    t, now = ctx.t, ctx.services.clock.now()
    text = t(
        "🔁 Order №{number} is a visit of a series: {series}.\nTo change this visit only, "
        "use Reschedule, Assign or Edit on its card.",
        number=info.order.number,
        series=describe(t, info.series, local_of(now, info.organization.timezone)),
    )
    await query.answer()
    await reply(ctx, update, text, series_buttons(t, tap.order_id, info.series.state))


async def series_act(update: Update, ctx: BotContext, tap: cb.SeriesAct) -> None:
    query = update.callback_query
    assert query is not None
    t = ctx.t
    if tap.action == "skip" or tap.action == "pause" or tap.action == "end":
        question, yes = ASK[tap.action]
        await ctx.services.series.info(ctx.actor, tap.order_id)  # still there and allowed
        sure = button(t.raw(yes), cb.SeriesSure(tap.order_id, tap.action))
        await query.answer()
        await reply(ctx, update, t(question), InlineKeyboardMarkup([[sure]]))
    elif tap.action == "resume":
        made = await ctx.services.series.resume(ctx.actor, tap.order_id)
        await query.answer(t.raw("Resumed."))
        text = t.n(
            "The series goes on: {count} visit planned.",
            "The series goes on: {count} visits planned.",
            len(made),
        )
        await reply(ctx, update, text)
    else:
        data = SeriesEditData(order_id=tap.order_id)
        prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), data.flow, data)
        await query.answer()
        await show(update, ctx, prompt)


async def series_sure(update: Update, ctx: BotContext, tap: cb.SeriesSure) -> None:
    query = update.callback_query
    assert query is not None
    t = ctx.t
    if tap.action == "skip":
        change = await ctx.services.series.skip(ctx.actor, tap.order_id)
        await query.answer(t.raw("Skipped."))
        await publish_change(ctx, change)
        return
    if tap.action == "pause":
        changes = await ctx.services.series.pause(ctx.actor, tap.order_id)
        text = t.n(
            "The series is paused: {count} coming visit cancelled.",
            "The series is paused: {count} coming visits cancelled.",
            len(changes),
        )
    else:
        changes = await ctx.services.series.end(ctx.actor, tap.order_id)
        text = t.n(
            "The series has ended: {count} coming visit cancelled.",
            "The series has ended: {count} coming visits cancelled.",
            len(changes),
        )
    await query.answer()
    await _redraw(ctx, changes)
    await reply(ctx, update, text)


async def client_series_end(
    update: Update, ctx: BotContext, tap: cb.ClientSeriesEnd | cb.ClientSeriesEndSure
) -> None:
    """Ending a client's series: asked first, then every one ends."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    if isinstance(tap, cb.ClientSeriesEnd):
        found = await ctx.services.series.client_series(ctx.actor, tap.client_id)
        await query.answer()
        if not found:
            await reply(ctx, update, t("This client has no recurring visits."))
            return
        question = t.n(
            "End the client's series? Their coming visits not started yet are cancelled.",
            "End the client's {count} series? Their coming visits not started yet are cancelled.",
            len(found),
        )
        sure = button(t.raw("Yes, end the series"), cb.ClientSeriesEndSure(tap.client_id))
        await reply(ctx, update, question, InlineKeyboardMarkup([[sure]]))
        return
    changes = await ctx.services.series.end_for_client(ctx.actor, tap.client_id)
    await query.answer()
    await _redraw(ctx, changes)
    text = t.n(
        "The client's series have ended: {count} coming visit cancelled.",
        "The client's series have ended: {count} coming visits cancelled.",
        len(changes),
    )
    await reply(ctx, update, text)


async def _redraw(ctx: BotContext, changes: list[OrderChange]) -> None:
    """The cancelled visits' cards, wherever they are shown; one summary per person
    (`handlers.recurring.news`), not a message per visit."""
    for change in changes:
        refresh_cards(ctx, change)
    await tell_series(ctx, changes)
