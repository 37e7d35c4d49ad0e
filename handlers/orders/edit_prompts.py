"""Prompts of '✏️ Edit' on an order card: which detail to change, then its new value (the
time is asked as rescheduling asks it)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.dialogs.data import OrderEditData
from core.dialogs.engine import DialogState, data_as
from handlers import callbacks as cb
from handlers.i18n import Translator
from handlers.keyboards import button
from handlers.orders.prompts import CHANGE, time_of_day, when, when_year
from handlers.prompts import PromptEnv, Rendered

SKIP = "skip"


def _b(state: DialogState, label: str, value: object) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, str(value)))


def _number(state: DialogState) -> int | None:
    return data_as(state, OrderEditData).number


def _column(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])


def field(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    fields = data_as(state, OrderEditData).fields or ()
    buttons = [_b(state, t.raw(CHANGE[f]), f) for f in fields if f in CHANGE]
    text = t("What should change in order №{number}?", number=_number(state))
    return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def address(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "The new address of order №{number}? Type it or share a location.",
        number=_number(state),
    )
    return text, _column([_b(state, t.raw("No address"), SKIP)])


def category(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    categories = data_as(state, OrderEditData).categories or ()
    buttons = [_b(state, c.name, c.id) for c in categories]
    text = t("What kind of work is order №{number}?", number=_number(state))
    return text, InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def price(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "The new price of order №{number}? Type an amount, for example 3500.",
        number=_number(state),
    )
    return text, None


def description(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "The new description of order №{number}? Type it: it replaces the old one.",
        number=_number(state),
    )
    return text, _column([_b(state, t.raw("No description"), SKIP)])


EDIT_PROMPTS: dict[tuple[str, str], Callable[[Translator, DialogState, PromptEnv], Rendered]] = {
    ("order_edit", "field"): field,
    ("order_edit", "address"): address,
    ("order_edit", "category"): category,
    ("order_edit", "when"): when,
    ("order_edit", "when_year"): when_year,
    ("order_edit", "time"): time_of_day,
    ("order_edit", "price"): price,
    ("order_edit", "description"): description,
}
