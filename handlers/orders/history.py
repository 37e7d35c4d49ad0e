"""An order's event history as the manager reads it: who did what, when."""

from __future__ import annotations

from datetime import datetime

from core.domain import OrderEvent, OrderStatus, Organization, PaymentMethod, User
from core.orders.times import ON_THE_WAY_EVENT, happened_at, late_minutes, travel_minutes
from handlers.client_loop.staff_message import talk_line
from handlers.formatting import money, when
from handlers.i18n import N_, Translator, escape
from handlers.orders.cards import METHOD, STATUS
from handlers.recurring.render import SERIES_EVENTS

KINDS = {
    "created": N_("created the order"),
    "assign": N_("assigned it"),
    "offer": N_("offered it to all workers"),
    "take": N_("took it"),
    "start": N_("started"),
    "done": N_("finished"),
    "cancel": N_("cancelled it"),
    "pay": N_("recorded a payment of {amount} ({method})"),
    "reschedule": N_("rescheduled it"),
    "edit": N_("changed the order"),
    "file": N_("attached a file"),
    "call": N_("attached a call: {summary}"),
    "client_confirmed": N_("confirmed the visit on the order page"),
    # line items (docs/line-items.md): the order's total after the change, the client's answer
    "line": N_("added a line, the total is now {total}"),
    "line_edit": N_("changed the lines, the total is now {total}"),
    "total_approved": N_("approved the new total of {total}"),
    "total_declined": N_("declined the new total of {total}"),
    **SERIES_EVENTS,
    ON_THE_WAY_EVENT: N_("set off to the client (On my way)"),
}
TRAVEL = N_("on the way {minutes} min")
LATE = N_("reached the bot {minutes} min late")
BY_CLIENT = N_("the client")
BY_SERIES = N_("the series")  # a visit a recurring series made (docs/recurring.md)
# The events that name an order's total, and the key of that total in their data.
TOTALS = {
    "line": "to",
    "line_edit": "to",
    "total_approved": "total_minor",  # the client's answers (no member made them)
    "total_declined": "total_minor",
}
CLIENT_CANCEL = N_("cancelled it on the order page: «{reason}»")
EDITS = {
    "address": N_("changed the address: {before} → {after}"),
    "category": N_("changed the kind of work: {before} → {after}"),
    "price": N_("changed the price: {before} → {after}"),
    "description": N_("changed the description: {before} → {after}"),
}
QUOTED_MAX = 100  # characters of an address or a description quoted in the history
FILES = {
    "photo": N_("attached a photo"),
    "document": N_("attached a document"),
    "voice": N_("attached a voice note"),
    "audio": N_("attached an audio recording"),
    "video_note": N_("attached a video note"),
}


def history_text(
    t: Translator, events: list[tuple[OrderEvent, User | None]], org: Organization
) -> str:
    lines = [t("<b>History</b>")]
    set_off = None
    for event, actor in events:
        by = event.data.get("by")
        client = by == "client" or event.kind.startswith("total_")
        nobody = BY_CLIENT if client else BY_SERIES if by == "series" else "someone"
        who = escape(actor.display_name) if actor else t.raw(nobody)
        moment = escape(when(t, happened_at(event), org.timezone))  # a late Start: its own time
        notes = _notes(t, event, set_off)
        set_off = happened_at(event) if event.kind == ON_THE_WAY_EVENT else set_off
        lines.append(f"{moment} · {who} {_describe(t, event, org)}{notes}")
    return "\n".join(lines)


def _notes(t: Translator, event: OrderEvent, set_off: datetime | None) -> str:
    """Travel time on a start after "On my way"; how late a start or done reached the bot."""
    notes = []
    if event.kind == "start":
        minutes = travel_minutes(set_off, happened_at(event))
        if minutes is not None:
            notes.append(t(TRAVEL, minutes=minutes))
    late = late_minutes(event)
    if late is not None:
        notes.append(t(LATE, minutes=late))
    return f" ({'; '.join(notes)})" if notes else ""


def _describe(t: Translator, event: OrderEvent, org: Organization) -> str:
    talk = talk_line(t, event)  # the client's and staff's messages, the client's rating
    if talk is not None:
        return talk
    msgid = KINDS.get(event.kind)
    if msgid is None:
        return escape(event.kind)
    if event.kind == "call":
        summary = str(event.data.get("summary") or "—")[:500]
        return t(msgid, summary=summary)
    if event.kind == "file":
        return t(FILES.get(str(event.data.get("kind")), msgid))
    if event.kind == "edit" and event.data.get("field") in EDITS:
        return _edit(t, event, org)
    if event.kind == "cancel" and event.data.get("by") == "client":
        reason = str(event.data.get("reason") or "—")
        reason = reason if len(reason) <= QUOTED_MAX else reason[: QUOTED_MAX - 1] + "…"
        return t(CLIENT_CANCEL, reason=reason) + f" → {STATUS[OrderStatus.CANCELLED][0]}"
    if event.kind in TOTALS:
        amount = event.data.get(TOTALS[event.kind])
        total = money(t, amount, org.currency) if isinstance(amount, int) else "—"
        return t(msgid, total=total)
    if event.kind == "pay":
        amount = money(t, int(str(event.data.get("amount_minor", 0))), org.currency)
        method = _method(event.data.get("method"))
        return t(msgid, amount=amount, method=t.raw(METHOD[method]) if method else "—")
    text = t(msgid)
    target = str(event.data.get("to"))
    if event.kind not in ("reschedule", "created") and target in _STATUSES:
        text += f" → {STATUS[OrderStatus(target)][0]}"
    return text


_STATUSES = frozenset(s.value for s in OrderStatus)
_METHODS = frozenset(m.value for m in PaymentMethod)


def _method(raw: object) -> PaymentMethod | None:
    return PaymentMethod(raw) if isinstance(raw, str) and raw in _METHODS else None


def _edit(t: Translator, event: OrderEvent, org: Organization) -> str:
    """An edited detail with its old and new value (erased ones are named only)."""
    field = str(event.data["field"])
    if "from" not in event.data and "to" not in event.data:
        return t(KINDS["edit"])
    values = [_value(t, field, event.data.get(key), org.currency) for key in ("from", "to")]
    return t(EDITS[field], before=values[0], after=values[1])


def _value(t: Translator, field: str, raw: object, currency: str) -> str:
    if raw is None or raw == "":
        return "—"
    if field == "price" and isinstance(raw, int):
        return money(t, raw, currency)
    text = str(raw)
    return text if len(text) <= QUOTED_MAX else text[: QUOTED_MAX - 1] + "…"
