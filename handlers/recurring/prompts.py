"""The questions of 🔁 Repeat and of "this and following" (a visit of a series)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.dialogs.data import RepeatData, SeriesEditData
from core.dialogs.engine import DialogState, data_as
from handlers import callbacks as cb
from handlers.i18n import N_, NP_, Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered
from handlers.recurring.render import DAYS

FREQ = {"daily": N_("Daily"), "weekly": N_("Weekly"), "monthly": N_("Monthly")}
UNITS = {"daily": N_("days"), "weekly": N_("weeks"), "monthly": N_("months")}
FIELDS = {"time": N_("🕒 Time"), "assignee": N_("👷 Worker"), "price": N_("💰 Price")}
# The echo of a tapped choice ("How often: Weekly ✓"): handlers/flow_prompts.py
STEP_NAMES = {
    ("repeat", "freq"): NP_("dialog step", "How often"),
    ("repeat", "interval"): NP_("dialog step", "Every"),
    ("repeat", "days"): NP_("dialog step", "Days"),
    ("repeat", "end"): NP_("dialog step", "Until"),
    ("series_edit", "field"): NP_("dialog step", "Change"),
    ("series_edit", "assignee"): NP_("dialog step", "Worker"),
}


def _b(state: DialogState, label: str, value: object) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, str(value)))


def freq(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    number = data_as(state, RepeatData).number
    text = t("🔁 How often should order №{number} repeat?", number=number)
    return text, InlineKeyboardMarkup([[_b(state, t.raw(v), k) for k, v in FREQ.items()]])


def interval(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    data = data_as(state, RepeatData)
    unit = t.raw(UNITS.get(data.freq or "", UNITS["weekly"]))
    text = t("Every how many {unit}? Tap or type a number.", unit=unit)
    return text, InlineKeyboardMarkup([[_b(state, str(n), n) for n in (1, 2, 3, 4)]])


def days(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    data = data_as(state, RepeatData)
    same = t.pt(*DAYS[data.weekday or 1])
    text = t(
        "On which days of the week? Type them, for example: Mon, Thu. Or keep the order's "
        "day ({day}).",
        day=same,
    )
    return text, InlineKeyboardMarkup([[_b(state, t("Only {day}", day=same), "same")]])


def end(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "Until when? Type the last day (for example 31.03) or the number of visits (for "
        "example 10), or tap “No end”."
    )
    return text, InlineKeyboardMarkup([[_b(state, t.raw("No end"), "never")]])


def field(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    number = data_as(state, SeriesEditData).number
    text = t(
        "What changes for visit №{number} and the following ones of the series?", number=number
    )
    return text, InlineKeyboardMarkup([[_b(state, t.raw(v), k) for k, v in FIELDS.items()]])


def time_of_day(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("The new time of these visits? For example 10:30."), None


def assignee(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    workers = data_as(state, SeriesEditData).workers or ()
    buttons = [_b(state, w.name, w.id) for w in workers]
    text = t("Who does these visits?")
    if not buttons:
        text = t("There are no active workers yet. Invite one with /invite.")
    return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def price(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t("The new price of these visits? Type an amount, for example 3500.")
    return text, InlineKeyboardMarkup([[_b(state, t.raw("No price"), "skip")]])


SERIES_PROMPTS: dict[tuple[str, str], Callable[[Translator, DialogState, PromptEnv], Rendered]] = {
    ("repeat", "freq"): freq,
    ("repeat", "interval"): interval,
    ("repeat", "days"): days,
    ("repeat", "end"): end,
    ("series_edit", "field"): field,
    ("series_edit", "time"): time_of_day,
    ("series_edit", "assignee"): assignee,
    ("series_edit", "price"): price,
}
