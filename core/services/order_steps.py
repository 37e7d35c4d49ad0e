"""The answers to the questions about an order's details (address, work, time, price,
description), parsed and read the same way by /neworder and by editing an order from its
card."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core.dialogs import DialogInput, choice_of
from core.errors import DomainError
from core.money import parse_money
from core.services.clients import ADDRESS_MAX, clean_text
from core.services.orders import DESCRIPTION_MAX
from core.when import parse_time, to_utc

SKIP = "skip"


def parse_address(given: DialogInput, data: Mapping[str, Any]) -> dict[str, Any]:
    if given.location is not None:
        return {"text": None, "lat": given.location[0], "lon": given.location[1]}
    if given.choice == "client" and data.get("client_address"):
        return {"text": data["client_address"], "lat": None, "lon": None}
    if given.choice == SKIP:
        return {"text": None, "lat": None, "lon": None}
    text = clean_text(given.text, ADDRESS_MAX, "address_too_long")
    if not text:
        raise DomainError("address_empty")
    return {"text": text, "lat": None, "lon": None}


def parse_address_pick(given: DialogInput, data: Mapping[str, Any]) -> str:
    options = {str(i): s[0] for i, s in enumerate(data.get("suggestions", []))}
    return choice_of({**options, "keep": "keep"})(given, data)


def parse_category(given: DialogInput, data: Mapping[str, Any]) -> str:
    options = {str(cid): name for cid, name in data.get("categories", [])}
    return choice_of({**options, SKIP: SKIP})(given, data)


def parse_price(given: DialogInput, _data: Mapping[str, Any]) -> int | None:
    return None if given.choice == SKIP else parse_money(given.number or given.text)


def parse_description(given: DialogInput, _data: Mapping[str, Any]) -> str | None:
    if given.choice == SKIP:
        return None
    return clean_text(given.text, DESCRIPTION_MAX) or None


def parse_assignee(given: DialogInput, data: Mapping[str, Any]) -> str:
    """A worker from the list offered ([id, name, load]), or going back to the card."""
    options = {str(w[0]): str(w[1]) for w in data.get("workers", [])}
    return choice_of({**options, "back": "back"})(given, data)


def place_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The address answered ({text, lat, lon}), or the suggestion picked instead of it."""
    place = dict(data.get("address") or {})
    pick = data.get("address_pick")
    if pick not in (None, "keep"):
        value, lat, lon = data["suggestions"][int(pick)]
        place = {"text": value, "lat": lat, "lon": lon}
    return place


def category_of(data: Mapping[str, Any]) -> int | None:
    category = data.get("category")
    return int(category) if category not in (None, SKIP) else None


def moment_of(data: Mapping[str, Any], zone: str) -> datetime | None:
    """The day and time answered, in UTC; None for 'not scheduled'."""
    when = data["when"]
    if not when["day"]:
        return None
    at = data.get("time") or when["time"]
    return to_utc(date.fromisoformat(when["day"]), parse_time(at), zone)
