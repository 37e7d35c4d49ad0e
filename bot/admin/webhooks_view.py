"""The webhooks page's HTML (bot/admin/webhooks_page.py; docs/webhooks.md): the owner's
subscriptions, each with its switch, its last deliveries and "Redeliver", and the form that
makes a new one (its secret shown once, right after)."""

from __future__ import annotations

from datetime import datetime

from bot.admin.html import Safe, SafeText, button, esc, form, join, tag
from core.webhooks.events import ALL_EVENTS
from core.webhooks.model import DeliveryRecord, DeliveryStatus, Subscription
from handlers.i18n import N_

PATH = "/settings/webhooks"
STATUSES = {
    DeliveryStatus.PENDING: N_("Waiting"),
    DeliveryStatus.DELIVERED: N_("Delivered"),
    DeliveryStatus.FAILED: N_("Failed"),
}


def link_section(t: SafeText) -> Safe:
    """The settings page's pointer to this page."""
    text = t("Send order and client events to your own systems.")
    link = tag("a", t("Webhooks"), href=PATH, data_testid="webhooks-link")
    return tag("section", join([tag("h2", t("Webhooks")), tag("p", join([text, " ", link]))]))


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "—"


def _log(t: SafeText, csrf: str, deliveries: list[DeliveryRecord]) -> Safe:
    if not deliveries:
        return tag("p", t("No deliveries yet."), class_="muted")
    head = tag(
        "tr",
        join(
            tag("th", t(name) if name else "")
            for name in (
                N_("Event"),
                N_("Status"),
                N_("Attempts"),
                N_("Answer"),
                N_("Next try"),
                "",
            )
        ),
    )
    rows = []
    for d in deliveries:
        answer = f"{d.last_status or '—'} {d.last_excerpt or ''}".strip()[:80]
        again = form(f"{PATH}/deliveries/{d.id}/redeliver", csrf, button(t("Redeliver")))
        cells = [
            join([d.event_type, tag("br"), _when(d.created_at)]),
            t(STATUSES[d.status]),
            str(d.attempts),
            answer,
            _when(d.next_try_at),
            again,
        ]
        rows.append(tag("tr", join(tag("td", c) for c in cells), data_testid=f"delivery-{d.id}"))
    return tag("table", join([head, *rows]))


def subscription_section(
    t: SafeText, csrf: str, sub: Subscription, deliveries: list[DeliveryRecord]
) -> Safe:
    state = t("On") if sub.active else t("Off since {at}", at=_when(sub.disabled_at))
    toggle = (
        form(f"{PATH}/{sub.id}/off", csrf, button(t("Switch off")))
        if sub.active
        else form(f"{PATH}/{sub.id}/on", csrf, button(t("Switch on")))
    )
    remove = form(f"{PATH}/{sub.id}/remove", csrf, button(t("Remove"), css="danger"))
    parts = [
        tag("h2", tag("code", sub.url)),
        tag("p", join([state, " · ", ", ".join(sub.events)])),
        toggle,
        remove,
        tag("h3", t("Last deliveries")),
        _log(t, csrf, deliveries),
    ]
    return tag("section", join(parts), data_testid=f"subscription-{sub.id}")


def _event_box(event: str) -> Safe:
    box = Safe(f'<input type="checkbox" name="events" value="{esc(event)}" checked>')
    return tag("label", join([box, " ", tag("code", event)]))


def new_section(t: SafeText, csrf: str) -> Safe:
    boxes = [_event_box(e.value) for e in ALL_EVENTS]
    url = Safe('<input name="url" type="url" required maxlength="500" id="url">')
    made = form(
        PATH,
        csrf,
        tag("label", t("Address (https)"), for_="url"),
        url,
        tag("p", t("Events")),
        join(boxes),
        button(t("Add")),
        testid="new-webhook",
    )
    return tag("section", join([tag("h2", t("New subscription")), made]))


def secret_notice(t: SafeText, secret: str) -> Safe:
    """The new subscription's secret, shown this once."""
    text = t("Copy the signing secret now: it is not shown again.")
    return tag(
        "div",
        join([tag("p", text), tag("code", secret, data_testid="webhook-secret")]),
        class_="notice ok",
        role="status",
    )


def body(t: SafeText, csrf: str, shown: list[Safe], top: Safe | None) -> Safe:
    intro = tag(
        "p",
        t(
            "Each event is POSTed as JSON signed with HMAC-SHA256 (X-Signature). "
            "Failed deliveries are retried for 24 hours."
        ),
    )
    return join([top or "", intro, *shown, new_section(t, csrf)])
