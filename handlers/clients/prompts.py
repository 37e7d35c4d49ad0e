"""Prompts for the client flows: /newclient, editing a field, merging a duplicate."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.dialogs.client_data import ClientEditData, ClientMergeData, NewClientData
from core.dialogs.engine import DialogState, data_as, required
from handlers import callbacks as cb
from handlers.i18n import N_, Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered

EDIT_QUESTIONS = {
    "name": N_("The new name?"),
    "phone": N_("The phone number to add? For example +7 916 123-45-67."),
    "address": N_("The new address?"),
    "notes": N_("The new notes? They replace the old ones."),
    "email": N_("The client's e-mail address? Send - to remove it."),
    "restrict": N_(
        "Restrict processing of this client's data: when and how did they ask? For example: "
        "by phone on 3 March. Until you lift it the card is kept but not used: no messages "
        "to the client, no transcripts or AI summaries of their calls, workers do not find "
        "it, the API withholds their details."
    ),
}


REQUEST_KINDS = {
    "access": N_("🔎 Access (a copy of their data)"),
    "correction": N_("✏️ Correction"),
    "deletion": N_("🗑 Deletion"),
    "restriction": N_("⛔ Restriction of processing"),
    "objection": N_("✋ Objection"),
}
REQUEST_NAMES = {
    "access": N_("access"),
    "correction": N_("correction"),
    "deletion": N_("deletion"),
    "restriction": N_("restriction"),
    "objection": N_("objection"),
}


def _b(state: DialogState, label: str, value: object) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, str(value)))


def name(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("<b>New client</b>\nTheir name? /cancel stops."), None


def phone(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    skip = _b(state, t.raw("No phone"), "skip")
    return t("Their phone number? For example +7 916 123-45-67."), InlineKeyboardMarkup([[skip]])


def same(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    existing = required(data_as(state, NewClientData).dup)
    text = t("This phone already belongs to <b>{client}</b>.", client=existing.name)
    buttons = [
        [_b(state, t.raw("Open that card"), "open")],
        [_b(state, t.raw("Add a new client anyway"), "new")],
    ]
    return text, InlineKeyboardMarkup(buttons)


def address(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    skip = _b(state, t.raw("Skip"), "skip")
    return t("Their address?"), InlineKeyboardMarkup([[skip]])


def edit_value(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    field = data_as(state, ClientEditData).field
    if field.startswith("request_"):
        kind = t(REQUEST_NAMES.get(field.removeprefix("request_"), field))
        today = _b(state, t.raw("Today"), "today")
        text = t(
            "The client's request: {kind}. On which day did it come? For example 03.03, or "
            "tap Today. The answer is due 30 days later.",
            kind=kind,
        )
        return text, InlineKeyboardMarkup([[today]])
    return t(EDIT_QUESTIONS[field]), None


def merge_query(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("Which card is the duplicate? Type a name or a phone number."), None


def merge_pick(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    found = data_as(state, ClientMergeData).candidates or ()
    rows = [[_b(state, c.name, c.id)] for c in found]
    return t("Merge which of these into this card?"), InlineKeyboardMarkup(rows)


def merge_confirm(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    rows = [[_b(state, t.raw("🧩 Merge"), "merge"), _b(state, t.raw("Cancel"), "cancel")]]
    text = t(
        "Its orders and phone numbers will move to this card, and it will disappear from "
        "search. Merge?"
    )
    return text, InlineKeyboardMarkup(rows)


CLIENT_PROMPTS: dict[tuple[str, str], Callable[[Translator, DialogState, PromptEnv], Rendered]] = {
    ("new_client", "name"): name,
    ("new_client", "phone"): phone,
    ("new_client", "same"): same,
    ("new_client", "address"): address,
    ("client_edit", "value"): edit_value,
    ("client_merge", "query"): merge_query,
    ("client_merge", "pick"): merge_pick,
    ("client_merge", "confirm"): merge_confirm,
}
