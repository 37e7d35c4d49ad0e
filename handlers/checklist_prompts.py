"""The questions of /checklist's "➕ Add item" (pure renderers; `core.checklists.define_flow`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.checklists.define_flow import NO_UNIT
from core.checklists.rules import MAX_TEXT
from core.dialogs.checklist_data import ChecklistItemData
from core.dialogs.engine import DialogState, data_as
from handlers import callbacks as cb
from handlers.i18n import N_, Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered

KINDS = {"tick": N_("☐ Tick"), "number": N_("🔢 Number"), "photo": N_("📷 Photo")}


def _b(state: DialogState, label: str, value: str) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, value))


def text(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ChecklistItemData)
    asked = t(
        "➕ A new item of the checklist of “{name}”: type its text (up to {limit} "
        "characters).\n/cancel stops.",
        name=d.name or "—",
        limit=MAX_TEXT,
    )
    return asked, None


def required(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ChecklistItemData)
    asked = t("Must “{item}” be answered before the order is done?", item=d.text or "—")
    row = [_b(state, t.raw("Required"), "yes"), _b(state, t.raw("Optional"), "no")]
    return asked, InlineKeyboardMarkup([row])


def kind(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    asked = t("How is it answered: a tick, a number (a meter reading) or a photo?")
    row = [_b(state, t.raw(label), value) for value, label in KINDS.items()]
    return asked, InlineKeyboardMarkup([row])


def unit(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    asked = t("The number's unit (kWh, m³)? Type it, or tap “No unit”.")
    return asked, InlineKeyboardMarkup([[_b(state, t.raw("No unit"), NO_UNIT)]])


DEFINE_PROMPTS = {
    ("checklist_item", "text"): text,
    ("checklist_item", "required"): required,
    ("checklist_item", "kind"): kind,
    ("checklist_item", "unit"): unit,
}
