"""Clients' online payments on the admin app (issue 19, item 7): the settings page's section
for the organization's own T-Bank terminal (TerminalKey and Password, stored encrypted and
never shown; taxation system and VAT rate of the receipt), and the bank's notifications for
that terminal, `POST /tbank/org/<organization id>/notify` (the NotificationURL of every
payment link of that organization).

The bank wants exactly `OK` with HTTP 200; anything else is retried for a day. A forged
notification (wrong terminal or Token) is answered 403 and a wrong amount 400 (nothing is
recorded; a bank that really sent it keeps retrying, which shows in its dashboard); an attempt
we never made is answered `OK` after nothing was recorded (retrying cannot change it). The
organization id is not a secret: the Token, signed with that organization's password, is
what proves the bank sent it. Logs name the error code only, never the body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.datastructures import FormData

from bot.admin.context import admin_context
from bot.admin.html import Safe, SafeText, button, field, form, join, select, tag
from core.admin.model import OBSOLETE_CREDENTIALS
from core.admin.org_settings import CredentialView
from core.billing.rules import TAXATIONS, TAXES
from core.client_loop.payments import (
    DEFAULT_TAX,
    DEFAULT_TAXATION,
    TERMINAL_SECRET,
    ClientPayment,
    OrgTerminal,
    terminal_json,
    terminal_settings,
)
from core.domain import Actor
from core.errors import DomainError
from core.services import Services
from handlers.formatting import money

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
REFUSED = {"payment_forged": 403, "payment_mismatch": 400, "order_changed": 409}


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@router.post("/tbank/org/{org_id}/notify")
async def client_payment_notify(org_id: int, request: Request) -> Response:
    payload = await _json_object(request)
    if payload is None:
        return PlainTextResponse("bad request", status_code=400)
    payments = admin_context(request).container.services.client_payments
    try:
        await payments.notify(org_id, payload)
    except DomainError as error:
        log.warning("client payment notification refused: %s", error.code)
        if error.code not in REFUSED:  # an unknown attempt: nothing to retry
            return PlainTextResponse("OK")
        return PlainTextResponse("refused", status_code=REFUSED[error.code])
    return PlainTextResponse("OK")


def section(
    t: SafeText,
    csrf: str,
    terminal: OrgTerminal | None,
    notify_url: str,
    old: Sequence[CredentialView] = (),
) -> Safe:
    """The one place of the organization's T-Bank terminal: the terminal clients pay through
    and, when an earlier version stored them, the old T-Bank key and password (used by
    nothing) with a button that removes them."""
    now = t("connected, terminal {key}", key=terminal.terminal_key) if terminal else t("not set")
    taxation = terminal.taxation if terminal else DEFAULT_TAXATION
    tax = terminal.tax if terminal else DEFAULT_TAX
    terminal_form = form(
        "/settings/client-tbank",
        csrf,
        field(t("TerminalKey"), "terminal_key", terminal.terminal_key if terminal else ""),
        field(t("Password"), "terminal_password", "", "password"),
        select(t("Taxation system"), "taxation", [(x, x) for x in sorted(TAXATIONS)], taxation),
        select(t("VAT rate"), "tax", [(x, x) for x in sorted(TAXES)], tax),
        button(t("Save T-Bank terminal"), "save-client-tbank"),
        testid="client-tbank",
    )
    hint = tag(
        "p",
        t("Clients get a payment link when an order is done. Set the notification URL "
          "{url} in the terminal. An empty TerminalKey disconnects it; the password is "
          "stored encrypted and never shown.", url=notify_url),
        class_="muted",
    )  # fmt: skip
    current = tag("p", join([tag("strong", t("Online payments: ")), now]))
    parts = [tag("h2", t("Client payments (your T-Bank terminal)")), hint, current, terminal_form]
    stored = [c for c in old if c.masked]
    if stored:
        parts.append(_old_keys(t, csrf, stored))
    return tag("section", join(parts), data_testid="client-payments")


def _old_keys(t: SafeText, csrf: str, stored: Sequence[CredentialView]) -> Safe:
    """The obsolete organization-level T-Bank key and password, shown only while stored."""
    labels = {
        "tbank_terminal_key": t("old T-Bank terminal key"),
        "tbank_password": t("old T-Bank terminal password"),
    }
    rows = [tag("li", join([labels.get(c.name, c.name), " ", c.masked or ""])) for c in stored]
    note = tag(
        "p",
        t("An earlier version stored these T-Bank keys in the organization's settings. "
          "They are not used for anything: clients pay through the terminal above, and "
          "the subscription to this service is paid on the billing page."),
        class_="muted",
    )  # fmt: skip
    remove = form(
        "/settings/client-tbank/old",
        csrf,
        button(t("Remove the old T-Bank keys"), "remove-old-tbank", "secondary"),
        testid="old-tbank",
    )
    return tag("div", join([note, tag("ul", join(rows)), remove]), data_testid="old-tbank-keys")


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


async def save_terminal(services: Services, actor: Actor, submitted: FormData) -> None:
    key = _text(submitted, "terminal_key")
    if not key.strip():  # an empty key disconnects the terminal
        await services.org_settings.clear_credential(actor, TERMINAL_SECRET, known=True)
        return
    terminal = terminal_settings(
        key, _text(submitted, "terminal_password"), _text(submitted, "taxation"),
        _text(submitted, "tax"),
    )  # fmt: skip
    await services.org_settings.store_secret(actor, TERMINAL_SECRET, terminal_json(terminal))


async def forget_old_keys(services: Services, actor: Actor, submitted: FormData) -> None:
    """Removes the obsolete organization-level T-Bank key and password (each audited)."""
    for name in sorted(OBSOLETE_CREDENTIALS):
        await services.org_settings.clear_credential(actor, name)


def pay_section(t: SafeText, payment: ClientPayment, currency: str) -> Safe:
    """The client page's Pay button: a link to the bank's payment page (a plain link, which
    the page's Content-Security-Policy allows; no form posts to another site)."""
    amount = money(t.translator, payment.amount_minor, currency)
    link = tag(
        "a", t("Pay {amount} by card", amount=amount), href=payment.payment_url or "",
        class_="pay", data_testid="pay",
    )  # fmt: skip
    return tag("section", join([tag("p", t("The work is done. You can pay online.")), link]))
