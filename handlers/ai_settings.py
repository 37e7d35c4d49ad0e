"""The owner's AI switches in /settings (docs/data-rights.md, objection): one line and one
button per step, each turning that step on or off for the organization
(core/team/ai_switches.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from core.domain import Organization
from core.team.ai_switches import AiStep, ai_on
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import drop_keyboard, reply
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button

STEP_NAMES = {
    AiStep.SPEECH: N_("🎙 Speech recognition (SaluteSpeech)"),
    AiStep.SUMMARIES: N_("🧠 AI summaries (OpenRouter)"),
    AiStep.INBOX: N_("📨 AI reading of forwarded requests (YandexGPT)"),
}


def ai_lines(t: Translator, org: Organization) -> list[str]:
    lines = [t("<b>AI for the organization</b>")]
    for step, name in STEP_NAMES.items():
        state = t.raw("on") if ai_on(org, step) else t.raw("off")
        lines.append(f"{escape(t.raw(name))}: {escape(state)}")
    return lines


def ai_buttons(t: Translator, org: Organization) -> list[list[InlineKeyboardButton]]:
    rows = []
    for step, name in STEP_NAMES.items():
        on = ai_on(org, step)
        label = t.raw("Turn off: {name}") if on else t.raw("Turn on: {name}")
        rows.append(
            [button(label.format(name=t.raw(name)), cb.AiSwitch(step.value, 0 if on else 1))]
        )
    return rows


async def ai_switch(update: Update, ctx: BotContext, tap: cb.AiSwitch) -> None:
    """An owner turns one AI step on or off; audited."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    on = await ctx.services.team.set_ai(ctx.actor, tap.step, bool(tap.on))
    await query.answer(t.raw("Saved."))
    await drop_keyboard(ctx, query)
    name = t.raw(STEP_NAMES[AiStep(tap.step)])
    if on:
        text = t("{name} is on for your organization.", name=name)
    else:
        text = t(
            "{name} is off for your organization. Where its result would be, the chat says "
            "that it is off; recordings and texts are kept.",
            name=name,
        )
    await reply(ctx, update, text)
