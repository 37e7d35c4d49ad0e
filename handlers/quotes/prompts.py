"""The questions of /quote (pure renderers): the client, the lines, the valid-until day and
the check screen before "Send"."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from telegram import InlineKeyboardMarkup

from core.catalogue.flow import ITEM
from core.catalogue.model import NewLine
from core.dialogs.engine import DialogState, data_as
from core.dialogs.quote_data import QuoteData
from core.quotes.flow import DEFAULT_DAYS, DONE, VALID_DAYS, new_lines
from core.quotes.model import quote_total
from handlers.formatting import money, phone
from handlers.i18n import Translator, escape
from handlers.orders.line_prompts import quantity
from handlers.orders.line_render import line_text
from handlers.prompts import PromptEnv, Rendered, _choice


def day_text(t: Translator, day: date) -> str:
    return format_date(day, "d MMMM y", locale=t.locale)


def lines_block(t: Translator, lines: list[NewLine], currency: str) -> list[str]:
    """The lines numbered, and the total (HTML)."""
    shown = [f"{n}. {escape(line_text(t, x, currency))}" for n, x in enumerate(lines, 1)]
    total = money(t, quote_total(lines), currency)
    return [*shown, t("<b>Total: {total}</b>", total=total)]


def client(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "<b>📝 New quote</b>\nWho is it for? Type the client's phone number or name. "
        "/cancel stops."
    )
    return text, None


def client_pick(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    found = data_as(state, QuoteData).candidates or ()
    rows = [
        [_choice(state, str(c.id), f"{c.name} · {phone(c.phone)}" if c.phone else c.name)]
        for c in found
    ]
    return t("Which client is it?"), InlineKeyboardMarkup(rows)


def line(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, QuoteData)
    example = "замена крана, 1 х 1500" if t.locale.startswith("ru") else "replace tap, 1 x 1500"
    head = [t("<b>📝 Quote for {name}</b>", name=escape(d.client_name or "—"))]
    if d.lines:
        head += lines_block(t, new_lines(d), env.currency)
    ask = t(
        "Add a line: tap a service or material, or type the line, for example: {example}",
        example=example,
    )
    buttons = [_choice(state, f"{ITEM}{ref.id}", ref.name) for ref in d.items or ()]
    grid = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if d.lines:
        grid.append([_choice(state, DONE, t.raw("✅ Done: set the date"))])
    text = "\n".join([*head, "", ask, t("/cancel stops.")])
    return text, InlineKeyboardMarkup(grid) if grid else None


def valid(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, QuoteData)
    today = d.today or env.now.date()
    text = t(
        "Valid until which day? Tap a button or type a date, for example {example}.",
        example=(today + timedelta(days=DEFAULT_DAYS)).strftime("%d.%m"),
    )
    buttons = [
        _choice(
            state,
            str(days),
            ("✓ " if days == DEFAULT_DAYS else "") + day_text(t, today + timedelta(days=days)),
        )
        for days in VALID_DAYS
    ]
    return text, InlineKeyboardMarkup([buttons])


def confirm(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, QuoteData)
    lines = [
        t("<b>📝 Quote for {name}</b>", name=escape(d.client_name or "—")),
        *lines_block(t, new_lines(d), env.currency),
        t("Valid until: {day}", day=day_text(t, d.valid) if d.valid else "—"),
        "",
        t("Send it to the client?"),
    ]
    markup = InlineKeyboardMarkup(
        [[_choice(state, "send", t.raw("📤 Send")), _choice(state, "cancel", t.raw("✖️ Cancel"))]]
    )
    return "\n".join(lines), markup


QUOTE_PROMPTS = {
    ("quote", "client"): client,
    ("quote", "client_pick"): client_pick,
    ("quote", "line"): line,
    ("quote", "quantity"): quantity,
    ("quote", "valid"): valid,
    ("quote", "confirm"): confirm,
}
