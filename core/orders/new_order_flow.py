"""The /neworder flow's steps: who the client is (an answer to search by, a contact, a pick
among the candidates, or a new client's name and phone), the address, category, time, price,
description, the confirmation card (create, create and assign, cancel, or send an answer back
for correction) and the worker to assign. Each parser reads one answer; the lookups between
steps are `NewOrderSpec.enrich`'s (core/orders/new_order.py)."""

from __future__ import annotations

from core.dialogs.data import ClientAnswer, NewOrderData, Place
from core.dialogs.engine import DialogInput, Flow, Step, choice_of
from core.errors import DomainError
from core.orders.steps import (
    SKIP,
    parse_address,
    parse_address_pick,
    parse_assignee,
    parse_category,
    parse_description,
    parse_price,
)
from core.orders.when_steps import WHEN_STEPS
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.text import clean_name

NEW_ORDER = NewOrderData.flow
# What the confirmation card can send back for correction, and the answers that go with it.
EDITABLE: dict[str, tuple[str, ...]] = {
    "address": ("address", "address_pick", "suggestions"),
    "category": ("category",),
    "when": ("when", "when_year", "time"),
    "price": ("price",),
    "description": ("description",),
}
ASSIGN = "assign"  # "Create and assign…": the next step lists the workers
CONFIRM = {"create": "create", ASSIGN: ASSIGN, "cancel": "cancel"}


def _client(given: DialogInput, _data: NewOrderData) -> ClientAnswer:
    if given.contact_phone:
        return ClientAnswer(phone=given.contact_phone, name=given.contact_name)
    text = (given.text or "").strip()
    if not text or given.choice is not None:
        raise DomainError("client_query_empty")
    return ClientAnswer(query=text[:200])


def _pick(given: DialogInput, data: NewOrderData) -> str:
    options = {str(found.id): found.name for found in data.candidates or ()}
    return choice_of({**options, "new": "new"})(given, data)


def _name(given: DialogInput, _data: NewOrderData) -> str:
    return clean_name(given.text, 200)


def _address(given: DialogInput, data: NewOrderData) -> Place:
    """As any order's address, or the client's own ("Client's address: …")."""
    if given.choice == "client" and data.client_address:
        return Place(text=data.client_address)
    return parse_address(given, data)


def _phone(given: DialogInput, _data: NewOrderData) -> str | None:
    if given.choice == SKIP:
        return None
    if given.contact_phone:
        return given.contact_phone
    text = (given.text or "").strip()
    if not text:
        raise DomainError("phone_invalid", example=PHONE_EXAMPLE)
    return text[:40]


def chosen_client(data: NewOrderData) -> bool:
    return (data.client_pick or "new") != "new" or data.client_same == "yes"


NEW_ORDER_FLOW = Flow(
    NewOrderData,
    (
        Step("client", _client, skip=lambda d: d.resolved),
        Step("client_pick", _pick, skip=lambda d: not d.candidates),
        Step("client_name", _name, skip=lambda d: chosen_client(d) or bool(d.new_name)),
        Step("client_phone", _phone, skip=lambda d: chosen_client(d) or bool(d.new_phone)),
        Step(
            "client_same",
            choice_of({"yes": "yes", "no": "no"}),
            skip=lambda d: chosen_client(d) or d.same_candidate is None,
        ),
        Step("address", _address),
        Step("address_pick", parse_address_pick, skip=lambda d: not d.suggestions),
        Step("category", parse_category, skip=lambda d: not d.categories),
        *WHEN_STEPS,
        Step("price", parse_price),
        Step("description", parse_description),
        Step("confirm", choice_of({**CONFIRM, **{f"edit:{k}": k for k in EDITABLE}})),
        Step("assignee", parse_assignee, skip=lambda d: d.confirm != ASSIGN),
    ),
)
