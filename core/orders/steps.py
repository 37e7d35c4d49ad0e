"""The answers to the questions about an order's details (address, work, time, price,
description), parsed and read the same way by /neworder and by editing an order from its
card."""

from __future__ import annotations

from datetime import datetime

from core.clients.fields import ADDRESS_MAX, clean_text
from core.dialogs.data import NewOrderData, OrderDetailsData, Place, WhenData
from core.dialogs.engine import DialogData, DialogInput, choice_of, required
from core.errors import DomainError
from core.money import parse_money
from core.orders.service import DESCRIPTION_MAX
from core.when import to_utc

SKIP = "skip"


def parse_address(given: DialogInput, _data: DialogData) -> Place:
    if given.location is not None:
        return Place(lat=given.location[0], lon=given.location[1])
    if given.choice == SKIP:
        return Place()
    text = clean_text(given.text, ADDRESS_MAX, "address_too_long")
    if not text:
        raise DomainError("address_empty")
    return Place(text=text)


def parse_address_pick(given: DialogInput, data: OrderDetailsData) -> str:
    options = {str(i): s.value for i, s in enumerate(data.suggestions or ())}
    return choice_of({**options, "keep": "keep"})(given, data)


def parse_category(given: DialogInput, data: OrderDetailsData) -> str:
    options = {str(c.id): c.name for c in data.categories or ()}
    return choice_of({**options, SKIP: SKIP})(given, data)


def parse_price(given: DialogInput, _data: DialogData) -> int | None:
    return None if given.choice == SKIP else parse_money(given.number or given.text)


def parse_description(given: DialogInput, _data: DialogData) -> str | None:
    if given.choice == SKIP:
        return None
    return clean_text(given.text, DESCRIPTION_MAX) or None


def parse_assignee(given: DialogInput, data: NewOrderData) -> str:
    """A worker from the list offered, or going back to the card."""
    options = {str(w.id): w.name for w in data.workers or ()}
    return choice_of({**options, "back": "back"})(given, data)


def place_of(data: OrderDetailsData) -> Place:
    """The address answered, or the suggestion picked instead of it."""
    pick = data.address_pick
    if pick is not None and pick != "keep":
        picked = required(data.suggestions)[int(pick)]
        return Place(text=picked.value, lat=picked.lat, lon=picked.lon)
    return data.address or Place()


def category_of(data: OrderDetailsData) -> int | None:
    category = data.category
    return int(category) if category not in (None, SKIP) else None


def moment_of(data: WhenData, zone: str) -> datetime | None:
    """The day and time answered, in UTC; None for 'not scheduled'."""
    when = required(data.when)
    if when.day is None:
        return None
    return to_utc(when.day, required(data.time or when.time), zone)
