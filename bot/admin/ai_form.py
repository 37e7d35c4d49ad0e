"""The settings page's "AI for the organization" form (issue 25 item 5; docs/data-rights.md):
one checkbox per AI step (speech recognition, AI summaries, reading forwarded requests),
posted to `/settings/ai` like the page's other forms (the session's CSRF token, one unit of
work); each change is audited. The same switches are in an owner's /settings in the bot."""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, checkbox, form, join, tag
from core.domain import Actor, Organization
from core.services import Services
from core.team.ai_switches import AiStep, ai_on
from handlers.i18n import N_

PATH = "/settings/ai"
LABELS = {
    AiStep.SPEECH: N_("Speech recognition of voice notes and calls (SaluteSpeech)"),
    AiStep.SUMMARIES: N_("AI summaries of voice notes and calls (OpenRouter)"),
    AiStep.INBOX: N_("AI reading of forwarded requests into draft orders (YandexGPT)"),
}


def section(t: SafeText, csrf: str, org: Organization) -> Safe:
    hint = tag(
        "p",
        t(
            "Each step may be switched off separately. While one is off it is skipped: the "
            "recording or the text is kept, and the chat says that the step is off where its "
            "result would be."
        ),
        class_="muted",
    )
    boxes = [
        checkbox(t(label), f"ai_{step.value}", ai_on(org, step)) for step, label in LABELS.items()
    ]
    body = form(PATH, csrf, *boxes, button(t("Save"), "save-ai"), testid="ai")
    return tag("section", join([tag("h2", t("AI for the organization")), hint, body]), id="ai")


async def save(services: Services, actor: Actor, submitted: FormData) -> None:
    """The page's action: every step set as its box says (an unticked box is off)."""
    for step in AiStep:
        await services.team.set_ai(actor, step.value, submitted.get(f"ai_{step.value}") == "1")
