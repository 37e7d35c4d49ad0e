"""The board's JSON: cards and views as the page's script reads them, with times both in UTC
and as the organization's local day, minute of the day and clock time (the browser may be in
another zone)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.board.model import BoardCard, BoardView


def _local(moment: datetime | None, zone: ZoneInfo) -> dict[str, Any]:
    if moment is None:
        return {"at": None, "day": None, "minute": None, "time": None}
    local = moment.astimezone(zone)
    return {
        "at": moment.isoformat(),
        "day": local.date().isoformat(),
        "minute": local.hour * 60 + local.minute,
        "time": local.strftime("%H:%M"),
    }


def card_json(card: BoardCard, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": card.id,
        "number": card.number,
        "version": card.version,
        "column": card.column,
        "status": card.status,
        **_local(card.scheduled_at, zone),
        "client": card.client,
        "phone": card.phone,
        "area": card.area,
        "assignee_id": card.assignee_id,
        "assignee": card.assignee,
        "category_id": card.category_id,
        "category": card.category,
        "price_minor": card.price_minor,
        "paid_minor": card.paid_minor,
        "overdue": card.overdue,
        "confirmed": card.confirmed,
    }


def cards_json(cards: Iterable[BoardCard], zone: str) -> list[dict[str, Any]]:
    tz = ZoneInfo(zone)
    return [card_json(c, tz) for c in cards]


def view_json(view: BoardView) -> dict[str, Any]:
    return {
        "zone": view.zone,
        "currency": view.currency,
        "days": [d.isoformat() for d in view.days],
        "visit_minutes": view.visit_minutes,
        "workers": [{"id": w.id, "name": w.name} for w in view.workers],
        "categories": [{"id": c.id, "name": c.name} for c in view.categories],
        "cards": cards_json(view.cards, view.zone),
        "absences": [
            {
                "user_id": a.user_id,
                "kind": a.kind.value,
                "first_day": a.first_day.isoformat(),
                "last_day": a.last_day.isoformat(),
            }
            for a in view.absences
        ],
        "cursor": view.cursor,
    }
