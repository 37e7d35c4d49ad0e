"""Prompts of "➕ Add line", a line's new quantity ("🧾 Lines") and /services' questions
(pure renderers)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from core.catalogue.flow import ITEM, ITEM_EXAMPLE
from core.dialogs.catalogue_data import (
    LineQuantityData,
    OrderLineData,
    ServiceNewData,
    ServicePriceData,
)
from core.dialogs.engine import DialogState, data_as
from handlers.i18n import Translator
from handlers.orders.line_render import AGREED
from handlers.orders.line_render import quantity as quantity_text
from handlers.prompts import PromptEnv, Rendered, _choice


def line(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, OrderLineData)
    example = "замена крана, 1 х 1500" if t.locale.startswith("ru") else "replace tap, 1 x 1500"
    if d.items:
        text = t(
            "➕ A line for order №{number}: tap a service or material, or type the line, for "
            "example: {example}\n/cancel stops.",
            number=d.number, example=example,
        )  # fmt: skip
    else:
        text = t(
            "➕ A line for order №{number}: type it, for example: {example}\n/cancel stops.",
            number=d.number, example=example,
        )  # fmt: skip
    buttons = [_choice(state, f"{ITEM}{ref.id}", ref.name) for ref in d.items or ()]
    grid = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return text, InlineKeyboardMarkup(grid) if grid else None


def quantity(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t("How many? Type the quantity, for example 2,5 or 2,5 m.")
    return text, InlineKeyboardMarkup([[_choice(state, "1", "1")]])


def new_quantity(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, LineQuantityData)
    name = d.name or t.raw(AGREED)
    text = t(
        "✏️ Line “{name}” of order №{number}: now {quantity}. The new quantity? For example "
        "2,5 or 2,5 m.\n/cancel stops.",
        name=name, number=d.number, quantity=quantity_text(t, d.was or 0),
    )  # fmt: skip
    return text, None


def new_item(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ServiceNewData)
    head = t("➕ New material.") if d.kind == "material" else t("➕ New service.")
    text = t(
        "Type it on one line: name; unit; price; VAT %. For example: {example}\n"
        "The unit and the VAT may be left out. /cancel stops.",
        example=ITEM_EXAMPLE,
    )
    return f"{head}\n{text}", None


def new_price(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ServicePriceData)
    return t("The new price of “{name}”?", name=d.name or "—"), None


LINE_PROMPTS = {
    ("order_line", "line"): line,
    ("order_line", "quantity"): quantity,
    ("line_quantity", "quantity"): new_quantity,
    ("service_new", "item"): new_item,
    ("service_price", "price"): new_price,
}
