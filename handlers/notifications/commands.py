"""/digest (today's digest on demand) and /notifications: each person switches each kind of
scheduled message on or off, and moves times and quiet hours through presets, with one tap."""

from __future__ import annotations

from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.domain import Role
from core.notifications.rules import KINDS_BY_ROLE, Kind, Preferences
from core.notifications.schedule import WEEKLY_AT, hhmm
from core.orders.listing import ListKind
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.i18n import N_, Translator
from handlers.keyboards import button
from handlers.notifications.digests import digest_view
from handlers.orders import commands as orders

LABELS = {
    Kind.DIGEST: N_("📊 Daily digest"),
    Kind.WEEKLY: N_("📅 Weekly digest"),
    Kind.OVERDUE: N_("⚠️ Overdue alerts"),
    Kind.PLAN: N_("🗓 Morning plan"),
    Kind.REMINDER: N_("⏰ Reminders"),
}
SETTING: dict[Kind, tuple[cb.Setting | None, str]] = {
    Kind.DIGEST: ("digest_at", N_("at {time}")),
    Kind.WEEKLY: (None, N_("Mondays at {time}")),
    Kind.OVERDUE: ("overdue_min", N_("{minutes} min after the time")),
    Kind.PLAN: ("plan_at", N_("at {time}")),
    Kind.REMINDER: ("reminder_min", N_("{minutes} min before")),
}


def _value(prefs: Preferences, kind: Kind) -> dict[str, object]:
    times = {Kind.DIGEST: prefs.digest_at, Kind.WEEKLY: WEEKLY_AT, Kind.PLAN: prefs.plan_at}
    minutes = {Kind.OVERDUE: prefs.overdue_minutes, Kind.REMINDER: prefs.reminder_minutes}
    at: time | None = times.get(kind)
    return {"time": hhmm(at) if at else "", "minutes": minutes.get(kind, 0)}


def _quiet(t: Translator, prefs: Preferences) -> str:
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return t.raw("off")
    return f"{hhmm(prefs.quiet_start)}–{hhmm(prefs.quiet_end)}"


def preferences_text(t: Translator, prefs: Preferences, role: Role | None) -> str:
    lines = [t("🔔 <b>Notifications</b>")]
    for kind in KINDS_BY_ROLE.get(role, ()) if role else ():
        state = t.raw("on") if prefs.enabled(kind) else t.raw("off")
        detail = t(SETTING[kind][1], **_value(prefs, kind))
        lines.append(f"{t.raw(LABELS[kind])}: {state}, {detail}")
    lines.append(t("🌙 Quiet hours: {hours}", hours=_quiet(t, prefs)))
    lines.append(t("In quiet hours only overdue alerts are sent; the rest waits until they end."))
    return "\n".join(lines)


def preferences_keyboard(
    t: Translator, prefs: Preferences, role: Role | None
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for kind in KINDS_BY_ROLE.get(role, ()) if role else ():
        mark = "✅" if prefs.enabled(kind) else "⛔️"
        row = [button(f"{mark} {t.raw(LABELS[kind])}", cb.NotifyKind(kind))]
        setting = SETTING[kind][0]
        if setting is not None:
            label = "🕒 " + t(SETTING[kind][1], **_value(prefs, kind))
            row.append(button(label, cb.NotifySetting(setting)))
        rows.append(row)
    quiet = t("🌙 Quiet hours: {hours}", hours=_quiet(t, prefs))
    rows.append([button(quiet, cb.NotifySetting("quiet"))])
    return InlineKeyboardMarkup(rows)


async def notifications_command(update: Update, ctx: BotContext) -> None:
    prefs = await ctx.services.notifications.preferences(ctx.actor)
    role = ctx.actor.role
    await reply(
        ctx, update, preferences_text(ctx.t, prefs, role), preferences_keyboard(ctx.t, prefs, role)
    )


async def preference_tap(
    update: Update, ctx: BotContext, tap: cb.NotifyKind | cb.NotifySetting
) -> None:
    """Switch a kind, or move a time, minutes or quiet hours to the next preset."""
    query = update.callback_query
    assert query is not None
    what = tap.kind if isinstance(tap, cb.NotifyKind) else tap.setting
    prefs = await ctx.services.notifications.change_preference(ctx.actor, what)
    await query.answer(ctx.t.raw("Saved."))
    role = ctx.actor.role
    await edit_tapped(
        ctx, query, preferences_text(ctx.t, prefs, role), preferences_keyboard(ctx.t, prefs, role)
    )


async def digest_command(update: Update, ctx: BotContext) -> None:
    """/digest: today so far, against yesterday by the same time."""
    message = await ctx.services.notifications.digest_for(ctx.actor)
    text, markup = digest_view(ctx.t, message)
    await reply(ctx, update, text, markup)


async def digest_list(update: Update, ctx: BotContext, tap: cb.DigestUnassigned) -> None:
    """`dl:unassigned` on a digest: the list as a new message, so the digest stays readable
    (the list's own `ol:` buttons edit the message they are on)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await orders._send_list(update, ctx, ListKind.UNASSIGNED, 0, edit=False)
