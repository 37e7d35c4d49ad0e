"""The board's one HTML page: a toolbar, an empty board the script fills, the words the script
shows (in the member's language, as a data attribute: no inline script), the session's CSRF
token for changes. Its Content-Security-Policy allows scripts and styles from this site only
and connections back to it (the WebSocket)."""

from __future__ import annotations

import json

from bot.admin.board.session import Viewer
from bot.admin.context import AdminContext
from bot.admin.html import Safe, SafeText, esc, join, tag
from core.permissions import Action, allowed
from handlers.i18n import N_

PAGE_POLICY = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)

# What the script shows, by key.
WORDS: dict[str, str] = {
    "today": N_("Today"),
    "week": N_("Week"),
    "all_workers": N_("All workers"),
    "all_kinds": N_("All kinds of work"),
    "search": N_("Client or phone"),
    "by_status": N_("Columns by status"),
    "by_worker": N_("Rows by worker"),
    "new": N_("New"),
    "offered": N_("Offered"),
    "assigned": N_("Assigned"),
    "on_the_way": N_("On the way"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "paid": N_("Paid"),
    "cancelled": N_("Cancelled"),
    "overdue": N_("⚠️ overdue"),
    "confirmed": N_("✅ Client confirmed"),
    "unassigned": N_("Unassigned"),
    "live": N_("Live"),
    "reconnecting": N_("Reconnecting…"),
    "moved": N_("Order №{number} moved."),
    "no_orders": N_("No orders."),
    "away": N_("Away"),
    "previous": N_("Previous"),
    "next": N_("Next"),
    "failed": N_("Sorry, that did not work."),
}


def board_page(context: AdminContext, who: Viewer) -> str:
    t = SafeText(context.translator(who.language))
    org = who.actor.organization
    assert org is not None
    words = {key: context.translator(who.language)(msgid) for key, msgid in WORDS.items()}
    owner = allowed(who.actor.role, Action.ORG_SETTINGS)
    nav = join(
        [
            tag("span", org.name, class_="org"),
            tag("a", t("Board"), href="/board", aria_current="page"),
            tag("a", t("Numbers"), href="/numbers"),
            tag("a", t("Map"), href="/map"),
            tag("a", t("Settings"), href="/settings") if owner else "",
            tag("a", t("Billing"), href="/billing") if owner else "",
            tag("a", t("Sessions"), href="/sessions"),
            tag("a", t("Sign-in security"), href="/security"),
        ]
    )
    toolbar = Safe(
        '<div class="toolbar">'
        '<button type="button" data-view="today" data-testid="view-today"></button>'
        '<button type="button" data-view="week" data-testid="view-week"></button>'
        '<button type="button" data-step="-1" data-testid="previous">◀</button>'
        '<input type="date" id="day" data-testid="day">'
        '<button type="button" data-step="1" data-testid="next">▶</button>'
        '<select id="worker" data-testid="worker"></select>'
        '<select id="category" data-testid="category"></select>'
        '<input type="search" id="search" data-testid="search" autocomplete="off">'
        '<select id="layout" data-testid="layout"></select>'
        '<span id="live" class="live" data-testid="live"></span>'
        "</div>"
    )
    body = join(
        [
            tag("header", nav),
            Safe('<main class="board">'),
            toolbar,
            tag("div", "", id="message", role="status", data_testid="message"),
            tag("div", "", id="board", data_testid="board"),
            Safe("</main>"),
        ]
    )
    data = (
        f'data-csrf="{esc(who.csrf)}" data-lang="{esc(t.locale)}" '
        f'data-words="{esc(json.dumps(words, ensure_ascii=False))}"'
    )
    return (
        f'<!doctype html><html lang="{esc(t.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>{esc(t('Board'))} · {esc(org.name)}</title>"
        '<link rel="stylesheet" href="/board/board.css"></head>'
        f"<body {data}>{body}"
        '<script src="/board/board.js" defer></script></body></html>'
    )
