"""/availability, the sick-day button on the morning plan, managers' reassign proposals and
the warning when an assigned worker is busy or away (issue 20, item 11; docs/availability.md).
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.availability.model import (
    AssignWarning,
    AvailabilityView,
    AwayReport,
    AwaySaved,
    HoursSaved,
)
from core.availability.rules import DAYS_EXAMPLE, HOURS_EXAMPLE, Absence, AwayKind
from core.client_loop.slots import WorkingHours
from core.dialogs.engine import DialogState
from core.domain import Order
from core.notifications.schedule import hhmm
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import drop_keyboard, reply
from handlers.formatting import short_time, when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button
from handlers.orders.publish import publish_change
from handlers.prompts import PromptEnv, Rendered

KINDS = {AwayKind.VACATION: N_("day off or vacation"), AwayKind.SICK: N_("sick day")}


def weekdays(t: Translator, hours: WorkingHours) -> str:
    return ", ".join(
        # 1 January 2024 was a Monday: ISO weekday d is that January's day d
        format_date(date(2024, 1, d), "EEE", locale=t.locale)
        for d in sorted(hours.days)
    )


def hours_text(t: Translator, hours: WorkingHours) -> str:
    return f"{hhmm(hours.start)}–{hhmm(hours.end)}, {weekdays(t, hours)}"


def days_text(t: Translator, first: date, last: date) -> str:
    def shown(day: date) -> str:
        return format_date(day, "d MMM", locale=t.locale)

    return shown(first) if first == last else f"{shown(first)} – {shown(last)}"


def _absence_line(t: Translator, a: Absence) -> str:
    return f"• {escape(days_text(t, a.first_day, a.last_day))} · {t(KINDS[a.kind])}"


def view_text(t: Translator, view: AvailabilityView) -> str:
    lines = [t("🗓 <b>Your availability</b>")]
    hours = escape(hours_text(t, view.hours))
    if view.own_hours:
        lines.append(t("Working hours: {hours}", hours=hours))
    else:
        lines.append(t("Working hours: {hours} (the organization's)", hours=hours))
    lines.append("")
    if view.absences:
        lines.append(t("Days off:"))
        lines += [_absence_line(t, a) for a in view.absences]
    else:
        lines.append(t("No days off planned."))
    return "\n".join(lines)


def view_keyboard(t: Translator, view: AvailabilityView) -> InlineKeyboardMarkup:
    rows = [
        [button(t.raw("🕘 Working hours"), cb.AvailabilityAsk("hours"))],
        [button(t.raw("🏖 Add days off"), cb.AvailabilityAsk("away"))],
    ]
    for a in view.absences:
        label = t.raw("✖️ Remove {days}").format(days=days_text(t, a.first_day, a.last_day))
        rows.append([button(label, cb.AbsenceRemove(a.id))])
    return InlineKeyboardMarkup(rows)


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def availability_command(update: Update, ctx: BotContext) -> None:
    view = await ctx.services.availability.view(ctx.actor)
    await reply(ctx, update, view_text(ctx.t, view), view_keyboard(ctx.t, view))


async def remove_tap(update: Update, ctx: BotContext, tap: cb.AbsenceRemove) -> None:
    query = update.callback_query
    assert query is not None
    await ctx.services.availability.remove(ctx.actor, tap.absence_id)
    view = await ctx.services.availability.view(ctx.actor)
    await query.answer(ctx.t.raw("Removed."))
    await edit_tapped(ctx, query, view_text(ctx.t, view), view_keyboard(ctx.t, view))


def hours_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "Type your working hours and days of the week (1 is Monday), for example: {example}. "
        "/cancel to stop.",
        example=HOURS_EXAMPLE,
    )
    return text, None


def days_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "Which days will you not work? Type a day or a range, for example: {example}. "
        "/cancel to stop.",
        example=DAYS_EXAMPLE,
    )
    return text, None


AVAILABILITY_PROMPTS = {("work_hours", "hours"): hours_prompt, ("time_off", "days"): days_prompt}


async def hours_saved(update: Update, ctx: BotContext, saved: HoursSaved) -> None:
    hours = escape(hours_text(ctx.t, saved.hours))
    await reply(ctx, update, ctx.t("Saved. Your working hours: {hours}.", hours=hours))


async def away_saved(update: Update, ctx: BotContext, saved: AwaySaved) -> None:
    a = saved.report.absence
    days = days_text(ctx.t, a.first_day, a.last_day)
    text = ctx.t("Saved: you are off {days}.", days=days)
    await reply(ctx, update, text + _affected_note(ctx.t, saved.report))
    announce_away(ctx, saved.report)


async def sick_tap(update: Update, ctx: BotContext, tap: cb.SickToday) -> None:
    """ "I can't work today" on the morning plan: today is a sick day; managers get the
    orders it leaves and whom to give each to."""
    query = update.callback_query
    assert query is not None
    try:
        day = date(tap.day // 10000, tap.day // 100 % 100, tap.day % 100)
    except ValueError:
        await query.answer(ctx.t.raw("This button is no longer valid."))
        return
    report = await ctx.services.availability.sick_today(ctx.actor, day)
    if not report.fresh:  # a second tap: managers were told already
        await query.answer(ctx.t.raw("Today is already marked as a sick day."))
        return
    await query.answer()
    text = ctx.t("Get well! Today is marked as a sick day.")
    await reply(ctx, update, text + _affected_note(ctx.t, report))
    announce_away(ctx, report)


def _affected_note(t: Translator, report: AwayReport) -> str:
    if not report.affected:
        return ""
    count = len(report.affected)
    return " " + t.n(
        "Your manager will give your {count} order to someone else.",
        "Your manager will give your {count} orders to someone else.",
        count,
    )


def announce_away(ctx: BotContext, report: AwayReport) -> None:
    """To each manager: who is away and, per order left, the workers free then."""
    default = ctx.bot_data.catalogs.default
    for lead in report.leads:
        t = ctx.translator(lead.preferred_language(default))
        name = report.worker.display_name
        a = report.absence
        if a.kind is AwayKind.SICK:
            head = t("🤒 {name} can't work today (sick day).", name=name)
        else:
            head = t("🏖 {name} will be off {days}.", name=name, days=days_text(t, *_days(a)))
        if not report.affected:
            ctx.outgoing.send(lead.telegram_id, head + "\n" + t("No orders are affected."))
            continue
        ctx.outgoing.send(lead.telegram_id, head)
        for item in report.affected:
            order = item.order
            assert order.scheduled_at is not None
            at = when(t, order.scheduled_at, report.zone)
            rows: list[list[InlineKeyboardButton]] = [
                [
                    button(
                        t.raw("{name} · {count} that day").format(
                            name=p.user.display_name, count=p.orders_that_day
                        ),
                        cb.Reassign(order.id, p.user.id),
                    )
                ]
                for p in item.proposals
            ]
            if rows:
                text = t("Order №{number}, {when}: give it to", number=order.number, when=at)
            else:
                text = t(
                    "Order №{number}, {when}: nobody else is free then.",
                    number=order.number,
                    when=at,
                )
            rows.append([button(t.raw("📋 Open order"), cb.OpenOrder(order.id))])
            ctx.outgoing.send(lead.telegram_id, text, InlineKeyboardMarkup(rows))


def _days(a: Absence) -> tuple[date, date]:
    return a.first_day, a.last_day


async def reassign_tap(update: Update, ctx: BotContext, tap: cb.Reassign) -> None:
    query = update.callback_query
    assert query is not None
    change = await ctx.services.availability.reassign(ctx.actor, tap.order_id, tap.worker_id)
    await query.answer(ctx.t.raw("Reassigned."))
    await drop_keyboard(ctx, query)
    await publish_change(ctx, change)
    await warn_assigned(update, ctx, change.card.order)


async def warn_assigned(update: Update, ctx: BotContext, order: Order) -> None:
    """After an assignment: the worker's clashes and absence, if any (it stands anyway)."""
    warning = await ctx.services.availability.warning(ctx.actor, order)
    if warning is not None:
        org = ctx.actor.organization
        assert org is not None
        await reply(ctx, update, warning_text(ctx.t, warning, org.timezone))


def warning_text(t: Translator, w: AssignWarning, zone: str) -> str:
    lines = [t("⚠️ {name} at this time:", name=w.worker.display_name)]
    for o in w.clashes:
        assert o.scheduled_at is not None
        lines.append(
            t(
                "• has order №{number} at {time}",
                number=o.number,
                time=short_time(t, o.scheduled_at, zone),
            )
        )
    if w.away is not None:
        lines.append(t("• is away ({kind})", kind=t(KINDS[w.away.kind])))
    if w.outside_hours:
        lines.append(t("• does not work at this hour"))
    lines.append(t("The order is assigned anyway; change it if needed."))
    return "\n".join(lines)
