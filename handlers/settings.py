"""/language and /settings: each person's own preferences."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.dialogs.data import ProfileEditData
from core.permissions import Action, allowed
from core.team.onboarding import LANGUAGE_LABELS
from handlers import callbacks as cb
from handlers.ai_settings import ai_buttons, ai_lines
from handlers.context import BotContext
from handlers.delivery.publish import refresh_menu
from handlers.delivery.replies import drop_keyboard, reply
from handlers.gate import load_actor
from handlers.i18n import Translator
from handlers.keyboards import button, rows
from handlers.outcomes import role_name, show
from handlers.profile import profile_buttons, profile_lines


def _language_buttons(current: str) -> list[InlineKeyboardButton]:
    return [
        button(("✓ " if code == current else "") + LANGUAGE_LABELS[code], cb.Language(code))
        for code in cb.LANGUAGES
    ]


async def language(update: Update, ctx: BotContext) -> None:
    text = "Choose your language.\nВыберите язык."
    await reply(ctx, update, text, rows(_language_buttons(ctx.locale)))


async def settings(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    lines = [
        t("<b>Your settings</b>"),
        *profile_lines(t, actor.user),
        t("Language: {language}", language=LANGUAGE_LABELS[ctx.locale]),
    ]
    if actor.organization is not None and actor.role is not None:
        lines.append(
            t(
                "Organization: {org} ({role})",
                org=actor.organization.name,
                role=role_name(t, actor.role),
            )
        )
    lines.append(t("Tap a language to switch, or correct your name or phone."))
    markup = InlineKeyboardMarkup([_language_buttons(ctx.locale), profile_buttons(t)])
    org = actor.organization
    if org is not None and allowed(actor.role, Action.ORG_SETTINGS):
        lines.append(
            t("📷 Photos required before an order is done: {count}", count=org.photos_required)
        )
        lines.append(
            t(
                "🔒 A worker keeps the client's phone and address until the order is paid or "
                "cancelled, and {hours} h after",
                hours=org.contact_grace_hours,
            )
        )
        lines += ai_lines(t, org)
        markup = InlineKeyboardMarkup(
            [
                *markup.inline_keyboard,
                _photo_buttons(org.photos_required),
                _grace_buttons(t, org.contact_grace_hours),
                *ai_buttons(t, org),
            ]
        )
    await reply(ctx, update, "\n".join(lines), markup)


def _grace_buttons(t: Translator, current: int) -> list[InlineKeyboardButton]:
    hours = (0, 4, 24, 72)
    return [button(t("🔒 {hours} h", hours=h), cb.GraceRule(h)) for h in hours if h != current]


async def grace_rule(update: Update, ctx: BotContext, tap: cb.GraceRule) -> None:
    """Sets how long an assignee keeps a client's contacts after settling."""
    query = update.callback_query
    assert query is not None
    hours = await ctx.services.team.set_contact_grace(ctx.actor, tap.hours)
    await query.answer(ctx.t.raw("Saved."))
    await drop_keyboard(ctx, query)
    text = ctx.t(
        "From now on a worker keeps the client's contacts {hours} h after the order is paid "
        "or cancelled.",
        hours=hours,
    )
    await reply(ctx, update, text)


def _photo_buttons(current: int) -> list[InlineKeyboardButton]:
    options = sorted({max(current - 1, 0), current, current + 1, 0, 4} - {current})
    return [button(f"📷 {n}", cb.PhotosRule(n)) for n in options[:4]]


async def photos_rule(update: Update, ctx: BotContext, tap: cb.PhotosRule) -> None:
    """Sets how many photos an order needs before "Done"."""
    query = update.callback_query
    assert query is not None
    count = await ctx.services.team.set_photos_required(ctx.actor, tap.count)
    await query.answer(ctx.t.raw("Saved."))
    await drop_keyboard(ctx, query)
    text = ctx.t.n(
        "From now on an order needs {count} photo before it is done.",
        "From now on an order needs {count} photos before it is done.",
        count,
    )
    await reply(ctx, update, text)


async def language_chosen(update: Update, ctx: BotContext, tap: cb.Language) -> None:
    query = update.callback_query
    assert query is not None
    outcome = await ctx.services.users.set_language(ctx.actor, tap.code)
    await query.answer()
    await drop_keyboard(ctx, query)
    await load_actor(update, ctx)
    actor = ctx.actor
    await refresh_menu(ctx, actor.user.telegram_id, actor.role, actor.user.onboarded, ctx.t)
    await show(update, ctx, outcome)


async def profile_edit(update: Update, ctx: BotContext, tap: cb.ProfileEdit) -> None:
    """/settings → ✏️ Name or 📞 Phone: asks for the new value (core/team/profile.py)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    data = ProfileEditData(field=str(tap.field))
    await show(update, ctx, await ctx.services.dialogs.start(ctx.actor, chat.id, data.flow, data))
