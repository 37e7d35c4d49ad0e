"""/language and /settings: each person's own preferences."""

from __future__ import annotations

from telegram import Update

from core.services.onboarding import LANGUAGE_LABELS
from handlers.context import BotContext
from handlers.gate import load_actor
from handlers.keyboards import button, rows
from handlers.outcomes import role_name, show
from handlers.publish import refresh_menu
from handlers.replies import drop_keyboard, reply


def _language_buttons(current: str) -> list[object]:
    return [
        button(("✓ " if code == current else "") + label, "lang", code)
        for code, label in LANGUAGE_LABELS.items()
    ]


async def language(update: Update, ctx: BotContext) -> None:
    text = "Choose your language.\nВыберите язык."
    await reply(update, text, rows(_language_buttons(ctx.locale)))  # type: ignore[arg-type]


async def settings(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    lines = [
        t("<b>Your settings</b>"),
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
    lines.append(t("Tap a language to switch."))
    await reply(update, "\n".join(lines), rows(_language_buttons(ctx.locale)))  # type: ignore[arg-type]


async def language_chosen(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    code = (query.data or "").split(":", 1)[1]
    outcome = await ctx.services.users.set_language(ctx.actor, code)
    await query.answer()
    await drop_keyboard(query)
    await load_actor(update, ctx)
    actor = ctx.actor
    await refresh_menu(ctx, actor.user.telegram_id, actor.role, actor.user.onboarded, ctx.t)
    await show(update, ctx, outcome)
