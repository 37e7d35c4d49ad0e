"""Pure renderers of the day's work messages: a worker's plan (or its update), a reminder before
an order, and a manager's alerts about an order not started or an offer nobody took.
(translator, data) -> text, buttons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.maps import map_link
from core.notifications.rules import OfferItem, PlanItem
from handlers import callbacks as cb
from handlers.formatting import short_time, when
from handlers.i18n import Translator, escape
from handlers.keyboards import button

Rendered = tuple[str, InlineKeyboardMarkup | None]


def _place(t: Translator, item: PlanItem) -> str | None:
    link = map_link(item.address, item.latitude, item.longitude)
    if link is None:
        return None
    label = escape(item.address or t.raw("Location on the map"))
    return f'📍 <a href="{escape(link)}">{label}</a>'


def _line(t: Translator, item: PlanItem, zone: str) -> str:
    parts = [f"<b>{escape(short_time(t, item.scheduled_at, zone))}</b>", f"№{item.number}"]
    parts += [escape(p) for p in (item.client, item.category) if p]
    return " · ".join(parts)


def _open_buttons(items: list[PlanItem]) -> list[list[InlineKeyboardButton]]:
    opens = [button(f"№{i.number}", cb.OpenOrder(i.order_id)) for i in items[:12]]
    return [opens[i : i + 4] for i in range(0, len(opens), 4)]


def plan_view(t: Translator, data: dict[str, Any], update: bool = False) -> Rendered:
    items = [PlanItem.from_data(i) for i in data["items"]]
    zone = str(data["zone"])
    day = format_date(date.fromisoformat(str(data["day"])), "EEE d MMM", locale=t.locale)
    if update:
        lines = [t("🔄 <b>Your plan for {day} has changed</b>", day=day)]
    else:
        lines = [t("🗓 <b>Your plan for {day}</b>", day=day)]
    lines.append(
        t.n("{count} order", "{count} orders", len(items))
        if items
        else t("Nothing left for today.")
    )
    for item in items:
        lines += ["", _line(t, item, zone)]
        place = _place(t, item)
        if place:
            lines.append(place)
    rows = _open_buttons(items)
    if not update:  # the morning plan: a sick day in one tap (handlers/availability.py)
        sick = cb.SickToday(int(str(data["day"]).replace("-", "")))
        rows.append([button(t.raw("🤒 I can't work today"), sick)])
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def reminder_view(t: Translator, data: dict[str, Any]) -> Rendered:
    item = PlanItem.from_data(data["item"])
    at = short_time(t, item.scheduled_at, str(data["zone"]))
    lines = [t("⏰ Soon: order №{number} at <b>{time}</b>", number=item.number, time=at)]
    if item.client:
        lines.append("👤 " + escape(item.client))
    place = _place(t, item)
    if place:
        lines.append(place)
    return "\n".join(lines), InlineKeyboardMarkup(_open_buttons([item]))


def overdue_view(t: Translator, data: dict[str, Any]) -> Rendered:
    item = PlanItem.from_data(data["item"])
    at = short_time(t, item.scheduled_at, str(data["zone"]))
    lines = [
        t(
            "⚠️ Order №{number} was due at <b>{time}</b> and has not been started.",
            number=item.number,
            time=at,
        )
    ]
    if item.assignee:
        lines.append("👷 " + escape(item.assignee))
    else:
        lines.append(t("👷 Nobody is assigned."))
    if item.client:
        lines.append("👤 " + escape(item.client))
    buttons = [button(t("Open №{number}", number=item.number), cb.OpenOrder(item.order_id))]
    if item.assignee_id is None:
        buttons.append(button(t.raw("👷 Assign"), cb.OrderWorkers(item.order_id)))
    return "\n".join(lines), InlineKeyboardMarkup([buttons])


def untaken_view(t: Translator, data: dict[str, Any]) -> Rendered:
    item, zone = OfferItem.from_data(data["item"]), str(data["zone"])
    offered = short_time(t, item.offered_at, zone)
    lines = [
        t(
            "📣 Nobody has taken order №{number}, offered to all workers at <b>{time}</b>.",
            number=item.number,
            time=offered,
        )
    ]
    if item.scheduled_at is not None:
        lines.append("🕒 " + escape(when(t, item.scheduled_at, zone)))
    else:
        lines.append(t("🕒 Not scheduled"))
    lines += [
        f"{icon} {escape(p)}" for icon, p in (("👤", item.client), ("🧰", item.category)) if p
    ]
    buttons = [
        button(t.raw("👷 Assign"), cb.OrderWorkers(item.order_id)),
        button(t("Open №{number}", number=item.number), cb.OpenOrder(item.order_id)),
    ]
    return "\n".join(lines), InlineKeyboardMarkup([buttons])
