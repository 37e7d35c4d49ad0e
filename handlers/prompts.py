"""Pure renderers for each step of each flow: (translator, state, environment) -> text, keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.dialogs.engine import DialogState
from core.team.onboarding import CURRENCY_CHOICES, LANGUAGE_LABELS, TIMEZONE_CHOICES
from handlers import callbacks as cb
from handlers.i18n import Translator
from handlers.keyboards import button, rows


@dataclass(frozen=True, slots=True)
class PromptEnv:
    policy_url: str
    now: datetime
    suggested_language: str
    currency: str = "RUB"


Rendered = tuple[str, InlineKeyboardMarkup | None]
Renderer = Callable[[Translator, DialogState, PromptEnv], Rendered]


def _choice(state: DialogState, value: str, label: str) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, value))


def language(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = "Choose your language.\nВыберите язык."
    buttons = [
        _choice(state, code, ("✓ " if code == env.suggested_language else "") + label)
        for code, label in LANGUAGE_LABELS.items()
    ]
    return text, rows(buttons)


def age(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t("Please confirm that you are 16 years old or older.")
    yes = _choice(state, "yes", t.raw("I am 16 or older"))
    return text, rows([yes, _choice(state, "no", t.raw("No"))])


def consent(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "<b>Your privacy</b>\n"
        "We keep what you and your team enter (names, phone numbers, addresses, orders, files) "
        "only to run your work, never sell it, remove personal data before any text goes to an "
        "AI service, and let you export or delete it at any time.\n\n"
        'Full policy: <a href="{url}">{url}</a>\n\nDo you accept it?',
        url=env.policy_url,
    )
    accept = _choice(state, "accept", t.raw("Accept"))
    decline = _choice(state, "decline", t.raw("Decline"))
    return text, rows([accept, decline])


def org_name(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("Let's create your organization. What is your business called?"), None


def timezone(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    buttons = [
        _choice(state, zone, zone_label(zone, t.locale, env.now)) for zone in TIMEZONE_CHOICES
    ]
    text = t("Which time zone do you work in? Tap one, or type any name such as Europe/Berlin.")
    return text, rows(buttons)


def currency(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    buttons = [_choice(state, code, code) for code in CURRENCY_CHOICES]
    text = t("Which currency do you charge in? Tap one or type its code.")
    return text, rows(buttons, 5)


def zone_label(zone: str, locale: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    city = get_timezone_location(zone, locale=locale, return_city=True)
    return f"{city} (UTC{hours:+d})"


PROMPTS: dict[tuple[str, str], Renderer] = {
    ("onboarding", "language"): language,
    ("onboarding", "age"): age,
    ("onboarding", "consent"): consent,
    ("new_org", "name"): org_name,
    ("new_org", "timezone"): timezone,
    ("new_org", "currency"): currency,
}
