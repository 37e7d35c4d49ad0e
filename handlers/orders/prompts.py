"""Prompts for the order flows: /neworder, payment and reschedule (pure renderers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.companies.model import Company, status_of
from core.dialogs.data import Candidate, NewOrderData, WhenData
from core.dialogs.engine import DialogState, data_as, required
from core.dialogs.payment_data import PaymentData
from core.domain import PaymentMethod
from core.orders.steps import place_of
from handlers import callbacks as cb
from handlers.companies.render import warning
from handlers.formatting import money, phone, wall_clock
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button
from handlers.orders.cards import METHOD
from handlers.prompts import PromptEnv, Rendered

HOURS = ("09:00", "10:00", "12:00", "14:00", "16:00", "18:00")
CHANGE = {
    "address": N_("✏️ Address"),
    "category": N_("✏️ Work"),
    "when": N_("✏️ Time"),
    "price": N_("✏️ Price"),
    "description": N_("✏️ Notes"),
}


def _b(state: DialogState, label: str, value: object) -> InlineKeyboardButton:
    return button(label, cb.DialogChoice(state.flow, state.step, str(value)))


def _grid(buttons: list[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def _skip(t: Translator, state: DialogState, label: str | None = None) -> InlineKeyboardButton:
    return _b(state, label or t.raw("Skip"), "skip")


def client(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t(
        "<b>New order</b>\nWho is the client? Type a phone number or a name, or share a "
        "contact. /cancel stops."
    )
    return text, None


def _who(candidate: Candidate) -> str:
    """'Анна · +7 916 555-44-33' for a client offered."""
    name, number = candidate.name, candidate.phone
    return f"{name} · {phone(number)}" if number else name


def client_pick(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    found = data_as(state, NewOrderData).candidates or ()
    buttons = [_b(state, _who(candidate), candidate.id) for candidate in found]
    buttons.append(_b(state, t.raw("➕ New client"), "new"))
    return t("I found these clients. Which one is it?"), _grid(buttons, 1)


def client_name(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("A new client. What is their name?"), None


def client_phone(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t("Their phone number? For example +7 916 123-45-67.")
    return text, _grid([_skip(t, state, t.raw("No phone"))])


def client_same(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    label = _who(required(data_as(state, NewOrderData).same_candidate))
    text = t("This phone already belongs to <b>{client}</b>. Is it the same client?", client=label)
    yes = _b(state, t.raw("Yes, the same"), "yes")
    return text, _grid([yes, _b(state, t.raw("No, a new client"), "no")])


def address(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    text = t("The address? Type it or share a location.")
    buttons = []
    known = data_as(state, NewOrderData).client_address
    if known:
        label = t.raw("Client's address: {address}").format(address=known)
        buttons.append(_b(state, label[:60], "client"))
    buttons.append(_skip(t, state, t.raw("No address")))
    return text, _grid(buttons, 1)


def address_pick(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    offered = data_as(state, NewOrderData).suggestions or ()
    buttons = [_b(state, s.value[:60], i) for i, s in enumerate(offered)]
    buttons.append(_b(state, t.raw("Keep it as I typed"), "keep"))
    return t("Did you mean one of these?"), _grid(buttons, 1)


def category(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    categories = data_as(state, NewOrderData).categories or ()
    buttons = [_b(state, c.name, c.id) for c in categories]
    buttons.append(_skip(t, state))
    return t("What kind of work?"), _grid(buttons)


def when(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    today = required(data_as(state, WhenData).today)
    days = [
        ("today", t.raw("Today")),
        ("tomorrow", t.raw("Tomorrow")),
        ("after", format_date(today + timedelta(days=2), "EEE d MMM", locale=t.locale)),
    ]
    buttons = [_b(state, label, value) for value, label in days]
    buttons.append(_b(state, t.raw("Not scheduled"), "none"))
    text = t("When? Tap a day or type a date and time, for example 25.12 14:30 or tomorrow 10:00.")
    return text, _grid(buttons)


def when_year(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    asked = required(data_as(state, WhenData).when)
    past, later = required(asked.day), required(asked.next_year)
    text = t(
        "{day} has already passed. Did you mean {later}?",
        day=format_date(past, "d MMMM y", locale=t.locale),
        later=format_date(later, "d MMMM y", locale=t.locale),
    )
    yes = t.raw("Yes, {year}").format(year=later.year)
    return text, _grid([_b(state, yes, "yes"), _b(state, t.raw("No, another date"), "no")])


def time_of_day(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    buttons = [_b(state, hour, hour) for hour in _hours_left(data_as(state, WhenData))]
    text = t("At what time? Tap one or type it, for example 14:30.")
    return text, _grid(buttons, 3) if buttons else None


def _hours_left(data: WhenData) -> list[str]:
    """The usual hours, less those already past when the day is today."""
    now = required(data.now_local)
    if required(data.when).day != now.date():
        return list(HOURS)
    return [hour for hour in HOURS if hour > now.strftime("%H:%M")]


def price(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("The price? Type an amount, for example 3500."), _grid([_skip(t, state)])


def description(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return t("Anything the worker should know? Type a description."), _grid([_skip(t, state)])


def confirm(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, NewOrderData)
    client_name = d.client_label or d.client_name or d.new_name or ""
    lines = [t("<b>Check the new order</b>"), "👤 " + escape(client_name)]
    if d.new_phone and not d.client_label:
        lines[-1] += " · " + escape(phone(d.new_phone))
    company = Company(
        "", "", status=status_of(d.client_status), liquidation_date=d.client_closed_on
    )
    if company.flagged:  # a liquidated or bankrupt company: the manager should know
        lines.append(f"<b>{warning(t, company)}</b>")
    lines.append("📍 " + escape(place_of(d).text or "—"))
    names = {str(c.id): c.name for c in d.categories or ()}
    if d.category in names:
        lines.append("🧰 " + escape(names[d.category]))
    when_answer = required(d.when)
    if when_answer.day is not None:
        at = d.time or when_answer.time
        today = d.today.isoformat() if d.today else None
        moment = wall_clock(t, when_answer.day.isoformat(), at.isoformat() if at else None, today)
        lines.append("🕒 " + escape(moment))
    if d.price:
        lines.append("💰 " + money(t, d.price, env.currency))
    if d.description:
        lines.append("📝 " + escape(d.description))
    buttons = [_b(state, t.raw("✅ Create"), "create"), _b(state, t.raw("✖️ Cancel"), "cancel")]
    edits = [_b(state, t.raw(label), f"edit:{key}") for key, label in CHANGE.items()]
    rows = [buttons, edits[:3], edits[3:]]
    if d.may_assign:
        rows.insert(1, [_b(state, t.raw("👷 Create and assign…"), "assign")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def assignee(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    """The workers, least busy that day first: one tap creates the order and assigns it."""
    buttons = [
        _b(state, t.raw("{name} · {count} that day").format(name=w.name, count=w.orders), w.id)
        for w in data_as(state, NewOrderData).workers or ()
    ]
    buttons.append(_b(state, t.raw("⬅️ Back"), "back"))
    return t("Create the order and assign it to whom?"), _grid(buttons, 1)


def amount(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, PaymentData)
    text = t("Payment for order №{number}. How much was received?", number=d.number)
    buttons = []
    if d.rest:
        buttons.append(_b(state, money(t, d.rest, required(d.currency)), "rest"))
    return text, _grid(buttons) if buttons else None


def method(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    buttons = [_b(state, t.raw(METHOD[m]).capitalize(), m.value) for m in PaymentMethod]
    return t("How was it paid?"), _grid(buttons, 3)


ORDER_PROMPTS: dict[tuple[str, str], Callable[[Translator, DialogState, PromptEnv], Rendered]] = {
    ("new_order", "client"): client,
    ("new_order", "client_pick"): client_pick,
    ("new_order", "client_name"): client_name,
    ("new_order", "client_phone"): client_phone,
    ("new_order", "client_same"): client_same,
    ("new_order", "address"): address,
    ("new_order", "address_pick"): address_pick,
    ("new_order", "category"): category,
    ("new_order", "when"): when,
    ("new_order", "when_year"): when_year,
    ("new_order", "time"): time_of_day,
    ("new_order", "price"): price,
    ("new_order", "description"): description,
    ("new_order", "confirm"): confirm,
    ("new_order", "assignee"): assignee,
    ("payment", "amount"): amount,
    ("payment", "method"): method,
    ("reschedule", "when"): when,
    ("reschedule", "when_year"): when_year,
    ("reschedule", "time"): time_of_day,
}
