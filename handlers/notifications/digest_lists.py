"""The digest's lists of things waiting on someone: open quotes and clients' data requests."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from core.clients.request_model import SOON_DAYS
from core.notifications.digest import Digest
from handlers.clients.prompts import REQUEST_NAMES
from handlers.formatting import money
from handlers.i18n import Translator


def quote_lines(t: Translator, d: Digest, currency: str) -> list[str]:
    """The open quotes (sent, unanswered, still valid), the soonest to expire first."""
    if not d.open_quotes:
        return []
    shown = []
    for q in d.open_quotes:
        day = format_date(q.valid_until, "d MMM", locale=t.locale)
        amount = money(t, q.total_minor, currency)
        shown.append(t("#{id} ({total}, until {day})", id=q.id, total=amount, day=day))
    more = d.open_quotes_total - len(d.open_quotes)
    tail = t(" and {count} more", count=more) if more > 0 else ""
    head = t("📝 Open quotes: {count}", count=d.open_quotes_total)
    return ["", head + " — " + ", ".join(shown) + tail]


def request_lines(t: Translator, d: Digest, today: date) -> list[str]:
    """Clients' open data requests (docs/data-rights.md), the soonest due first; ⚠️ marks one
    due within a week or overdue."""
    if not d.requests:
        return []
    shown = []
    for r in d.requests:
        day = format_date(r.due_on, "d MMM", locale=t.locale)
        name = t(REQUEST_NAMES.get(r.kind, r.kind))
        soon = " ⚠️" if (r.due_on - today).days <= SOON_DAYS else ""
        shown.append(
            t("client #{id}: {kind}, due {day}", id=r.client_id, kind=name, day=day) + soon
        )
    more = d.requests_total - len(d.requests)
    tail = t(" and {count} more", count=more) if more > 0 else ""
    head = t("📨 Open data requests: {count}", count=d.requests_total)
    return ["", head + " — " + "; ".join(shown) + tail]
