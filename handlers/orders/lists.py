"""Pure renderers of order lists as one message: a line per order (time, status, client, area,
assignee, price, overdue mark), buttons to open each, the pages and the filters of /orders; a
manager's /today is the same list for the day."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

from core.notifications.schedule import overdue
from core.orders.areas import area_of
from core.orders.listing import ListKind
from core.views import OrderCard, Page
from handlers import callbacks as cb
from handlers.formatting import money, short_time, when
from handlers.i18n import NP_, Translator, escape
from handlers.keyboards import button
from handlers.orders.cards import STATUS

LISTS = {
    ListKind.OPEN: NP_("order list", "Open"),
    ListKind.TODAY: NP_("order list", "Today"),
    ListKind.UNASSIGNED: NP_("order list", "Unassigned"),
    ListKind.MINE: NP_("order list", "Mine"),
    ListKind.DONE: NP_("order list", "Done"),
    ListKind.CANCELLED: NP_("order list", "Cancelled"),
}
FILTERS_PER_ROW = 2  # three to a row cut "• Неназначенные" short on a phone
OPENS_PER_ROW = 4


def late(card: OrderCard, now: datetime) -> bool:
    """Its time has passed and it is not started (what the digest counts as overdue)."""
    o = card.order
    return o.scheduled_at is not None and overdue(now, o.scheduled_at, 0, o.status)


def order_line(t: Translator, card: OrderCard, now: datetime, day: bool = False) -> str:
    """№, time (only the hour in a day's list), status and client, area, assignee, price."""
    o, org = card.order, card.organization
    if o.scheduled_at is None:
        moment = "—"
    elif day:
        moment = short_time(t, o.scheduled_at, org.timezone)
    else:
        moment = when(t, o.scheduled_at, org.timezone, now)
    head = STATUS[o.status][0] + (" " + escape(card.client.name) if card.client else "")
    parts = [f"<b>№{o.number}</b>", escape(moment), head]
    area = area_of(o.address) if card.address_visible else None
    if area:
        parts.append("📍 " + escape(area))
    if card.assignee is not None:
        parts.append("👷 " + escape(card.assignee.display_name))
    if o.price_minor is not None:
        parts.append(escape(money(t, o.price_minor, org.currency)))
    line = " · ".join(parts)
    return line + " " + t("⚠️ overdue") if late(card, now) else line


def list_text(t: Translator, kind: ListKind, page: Page[OrderCard], now: datetime) -> str:
    header = t("<b>Orders: {filter}</b>", filter=t.pt(*LISTS[kind]).lower())
    if page.total:
        header += " · " + t.n("{count} order", "{count} orders", page.total)
    day = kind is ListKind.TODAY
    lines = [order_line(t, card, now, day) for card in page.items]
    return "\n".join([header, *lines] if lines else [header, t("No orders here.")])


def list_keyboard(t: Translator, kind: ListKind, page: Page[OrderCard]) -> InlineKeyboardMarkup:
    opens = [button(f"№{c.order.number}", cb.OpenOrder(c.order.id)) for c in page.items]
    rows = [opens[i : i + OPENS_PER_ROW] for i in range(0, len(opens), OPENS_PER_ROW)]
    nav = []
    if page.page > 0:
        nav.append(button("◀️", cb.OrderList(kind, page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button("▶️", cb.OrderList(kind, page.page + 1)))
    if nav:
        rows.append(nav)
    filters = [
        button(("• " if k is kind else "") + t.pt(*label), cb.OrderList(k, 0))
        for k, label in LISTS.items()
    ]
    rows += [filters[i : i + FILTERS_PER_ROW] for i in range(0, len(filters), FILTERS_PER_ROW)]
    return InlineKeyboardMarkup(rows)
