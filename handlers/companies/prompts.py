"""Prompts of the client card's "🏢 Company details" conversation (core/companies/flow.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.companies.flow import chosen
from core.dialogs.company_data import ClientCompanyData
from core.dialogs.engine import DialogState, data_as
from core.errors import DomainError
from handlers import callbacks as cb
from handlers.companies.render import company_lines
from handlers.i18n import Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered

BUTTON_MAX = 60


def _b(state: DialogState, label: str, value: object) -> InlineKeyboardButton:
    return button(label[:BUTTON_MAX], cb.DialogChoice(state.flow, state.step, str(value)))


def query(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    data = data_as(state, ClientCompanyData)
    rows = [[_b(state, t.raw("✍️ Enter by hand"), "manual")]]
    if data.has_company:
        rows.append([_b(state, t.raw("🗑 Remove company details"), "remove")])
    text = t(
        "<b>🏢 Company details</b>\nType the company's INN or OGRN, or a few words of its name. "
        "/cancel stops."
    )
    return text, InlineKeyboardMarkup(rows)


def pick(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    found = data_as(state, ClientCompanyData).found or ()
    rows = []
    for i, option in enumerate(found):
        company = option.company(None)
        where = f" · {company.kpp}" if company.branch == "BRANCH" and company.kpp else ""
        mark = "⚠️ " if company.flagged else ""
        rows.append([_b(state, f"{mark}{company.label}{where}", i)])
    return t("Which one?"), InlineKeyboardMarkup(rows)


def inn(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    data = data_as(state, ClientCompanyData)
    lead = ""
    if data.offline:
        lead = t("Company search needs a DaData key, so enter the details by hand.") + "\n"
    return lead + t("The company's INN (10 digits, or 12 for a sole trader)?"), None


def kpp(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    skip = _b(state, t.raw("No KPP"), "skip")
    return t("Its KPP (9 characters)?"), InlineKeyboardMarkup([[skip]])


def name(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("The company's full name, as on its documents?"), None


def address(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    skip = _b(state, t.raw("Skip"), "skip")
    return t("Its legal address?"), InlineKeyboardMarkup([[skip]])


def confirm(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    data = data_as(state, ClientCompanyData)
    cancel = _b(state, t.raw("Cancel"), "cancel")
    if data.query == "remove":
        rows = [[_b(state, t.raw("🗑 Remove"), "remove"), cancel]]
        return t("Remove the company details from this card?"), InlineKeyboardMarkup(rows)
    try:
        company = chosen(data)
    except DomainError:  # a stale conversation; the step asks again
        return t("Save these details?"), InlineKeyboardMarkup([[cancel]])
    if data.found:  # as the register has it: checked when saved
        company = replace(company, checked_at=env.now)
    lines = [t("Save these details to the card?"), "", *company_lines(t, company)]
    rows = [[_b(state, t.raw("💾 Save"), "save"), cancel]]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


COMPANY_PROMPTS: dict[
    tuple[str, str], Callable[[Translator, DialogState, PromptEnv], Rendered]
] = {
    ("client_company", "query"): query,
    ("client_company", "pick"): pick,
    ("client_company", "inn"): inn,
    ("client_company", "kpp"): kpp,
    ("client_company", "name"): name,
    ("client_company", "address"): address,
    ("client_company", "confirm"): confirm,
}
