"""The HTML of the client page (`bot.admin.client_page`): mobile-first, no script, its own small
stylesheet pinned in its own Content-Security-Policy, every value escaped (`bot.admin.html`)."""

from __future__ import annotations

from datetime import datetime

from bot.admin.headers import PAGE_POLICY, style_hash
from bot.admin.html import STYLE, Safe, SafeText, esc, join, tag
from core.client_loop.page import REASON_MAX, ClientPage, Outcome
from core.domain import OrderStatus
from handlers.formatting import money, when
from handlers.i18n import N_

CLIENT_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#24324a;color:#fff;padding:14px 16px;font-weight:600}
main{max-width:560px;margin:0 auto;padding:12px}
section{background:#fff;border-radius:10px;padding:14px 16px;margin-bottom:12px;
box-shadow:0 1px 2px #0001}
h1{font-size:20px;margin:4px 0 12px}dl{margin:0}dt{color:#667085;font-size:13px;margin-top:8px}
dd{margin:0;font-weight:500}label{display:block;margin:8px 0 4px}
textarea{width:100%;min-height:80px;padding:8px;border:1px solid #c6ccd6;border-radius:8px;
font:inherit;box-sizing:border-box}
button{display:block;width:100%;margin-top:10px;padding:12px;border:0;border-radius:8px;
background:#2f6fed;color:#fff;font:inherit;font-weight:600}
button.danger{background:#e4e8ef;color:#b42318}
.notice{padding:10px 14px;border-radius:8px;margin-bottom:12px}
.ok{background:#e3f6e8}.error{background:#fde8e8}.muted{color:#667085;font-size:14px}
a.pay{display:block;margin-top:10px;padding:12px;border-radius:8px;background:#2f6fed;
color:#fff;font-weight:600;text-align:center;text-decoration:none}
"""
# `script-src 'self'`: the signature canvas' script is a file of this server (`/sign.js`)
CLIENT_POLICY = PAGE_POLICY.replace(style_hash(STYLE), style_hash(CLIENT_STYLE)).replace(
    "default-src 'none'; ", "default-src 'none'; script-src 'self'; "
)
HEADERS = {"content-security-policy": CLIENT_POLICY, "cache-control": "no-store"}

STATUS = {
    OrderStatus.NEW: N_("Booked"),
    OrderStatus.ASSIGNED: N_("Booked, a specialist is assigned"),
    OrderStatus.IN_PROGRESS: N_("In progress"),
    OrderStatus.DONE: N_("Done"),
    OrderStatus.CANCELLED: N_("Cancelled"),
}
OUTCOMES = {
    Outcome.CONFIRMED: N_("Thank you! Your visit is confirmed."),
    Outcome.ALREADY_CONFIRMED: N_("You have already confirmed this visit."),
    Outcome.CANCELLED: N_("The order is cancelled. The organization will see your reason."),
    Outcome.ALREADY_CANCELLED: N_("This order is already cancelled."),
    Outcome.STARTED: N_(
        "The work has already started, so the order can no longer be cancelled here."
    ),
    Outcome.CLOSED: N_("This order can no longer be changed here."),
    Outcome.REASON_MISSING: N_("Please write why you are cancelling."),
    Outcome.REASON_TOO_LONG: N_("Please keep the reason under {limit} characters."),
    Outcome.CHANGED: N_("The order has just changed. Please look at it again."),
}
UNKNOWN = N_("This link does not open any order. Please check it, or ask for a new one.")
EXPIRED = N_("This link has expired. Please ask the organization for a new one.")
FORM_EXPIRED = N_("The page was out of date. Please try again.")
TOO_MANY = N_("Too many attempts. Please wait a minute and try again.")


def document(t: SafeText, title: str, body: Safe, org: str | None = None) -> str:
    head = Safe(
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
        ' initial-scale=1"><meta name="robots" content="noindex">'
        f"<title>{esc(title)}</title><style>{CLIENT_STYLE}</style>"
    )
    top = tag("header", org or "AstraCRM")
    return (
        f'<!doctype html><html lang="{esc(t.locale)}"><head>{head}</head>'
        f"<body>{top}{tag('main', body)}</body></html>"
    )


def notice(text: str, kind: str = "ok") -> Safe:
    return tag("div", Safe(text), class_=f"notice {kind}", role="status", data_testid="notice")


def message_page(t: SafeText, text: str) -> str:
    return document(t, t("Your order"), notice(t(text), "error"))


def outcome_notice(t: SafeText, outcome: Outcome) -> Safe:
    text = t(OUTCOMES[outcome], limit=REASON_MAX)
    return notice(text, "ok" if outcome.done else "error")


def order_page(
    t: SafeText,
    shown: ClientPage,
    action: str,
    hidden: dict[str, str],
    now: datetime,
    message: Safe | None = None,
    extra: Safe | None = None,
) -> str:
    view = shown.view
    rows: list[tuple[str, object]] = [
        (t("When"), when(t.translator, view.starts_at, shown.timezone, now)
         if view.starts_at else t("Time to be agreed")),
        (t("Address"), view.address or ""),
        (t("What will be done"), view.work or ""),
        (t("Your specialist"), view.worker_first_name or ""),
        (t("Status"), t(STATUS[view.status])),
    ]  # fmt: skip
    if view.price_minor is not None:
        rows.append((t("Price"), money(t.translator, view.price_minor, view.currency)))
        if view.paid_minor and view.due_minor is not None:
            rows.append((t("Left to pay"), money(t.translator, view.due_minor, view.currency)))
    details = join(
        join([tag("dt", label), tag("dd", value, data_testid=f"row-{i}")])
        for i, (label, value) in enumerate(rows)
        if value
    )
    parts: list[object] = [message or ""]
    title = t("Your order No. {number}", number=view.number)
    parts.append(tag("section", join([tag("h1", title), tag("dl", details)])))
    parts.append(_actions(t, shown, action, hidden))
    parts.append(extra or "")  # the free times to move to (bot.admin.client_move)
    contact = t(
        "Questions? Reply to the message with this link, or contact {org}.", org=view.org_name
    )
    parts.append(tag("p", contact, class_="muted", data_testid="contact"))
    return document(t, title, join(parts), view.org_name)


def _actions(t: SafeText, shown: ClientPage, action: str, hidden: dict[str, str]) -> Safe:
    status = shown.view.status
    forms: list[object] = []
    if shown.confirmed and status in (OrderStatus.NEW, OrderStatus.ASSIGNED):
        forms.append(tag("p", t("You have confirmed this visit."), data_testid="confirmed"))
    if shown.can_confirm:
        forms.append(_form(f"{action}/confirm", hidden, t("Confirm the visit"), "confirm"))
    if shown.can_cancel:
        reason = join(
            [
                tag("label", t("Why are you cancelling?"), for_="reason"),
                tag("textarea", "", name="reason", id="reason", required=True,
                    maxlength=REASON_MAX),
            ]
        )  # fmt: skip
        forms.append(_form(f"{action}/cancel", hidden, t("Cancel the order"), "cancel", reason))
    if status is OrderStatus.IN_PROGRESS:
        forms.append(tag("p", t("The work is in progress."), class_="muted"))
    if not forms:
        return Safe("")
    return tag("section", join(forms))


def _form(path: str, hidden: dict[str, str], label: str, testid: str, *fields: object) -> Safe:
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in hidden.items()
    )
    css = "danger" if testid == "cancel" else None
    submit = tag("button", label, type="submit", class_=css, data_testid=testid)
    return tag("form", join([inputs, *fields, submit]), method="post", action=path)
