"""Clients paying for their orders through the organization's own T-Bank terminal (issue 19,
item 7): what is kept of the terminal, what a payment attempt is, the 54-FZ receipt of an
order and the port the bank is reached through. Rules only; the use cases are in
`core.client_loop.pay_service`.

The terminal (its TerminalKey, Password, taxation system and VAT rate) is one encrypted
credential (`TERMINAL_SECRET`, JSON, stored by `OrgSettingsService.store_secret` like every
integration secret), never the deployment's own terminal: there is no fallback to it.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.billing.rules import MAX_ITEM_NAME, TAXATIONS, TAXES, ReceiptItem, receipt
from core.errors import DomainError

TERMINAL_SECRET = "client_tbank_terminal"
MAX_KEY = 200
DEFAULT_TAXATION = "usn_income"  # the usual system of a small service business
DEFAULT_TAX = "none"
# The path the bank posts an organization's notifications to, on the admin app.
NOTIFY_PATH = "/tbank/org/{org}/notify"
# What we keep of the bank's last word: no card data (Pan, ExpDate, CardId are dropped).
RAW_FIELDS = ("Status", "Success", "ErrorCode", "Amount", "PaymentId")
ONLINE = "tbank"  # the order event's "via" for a payment made through the link
_BLANK = re.compile(r"\s")


class TerminalProblem(DomainError):
    """A refused terminal setting, `problem` names the field for the settings page."""

    def __init__(self, problem: str) -> None:
        super().__init__("credential_invalid", limit=MAX_KEY)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class OrgTerminal:
    """An organization's own acquiring terminal (the password is never in a repr)."""

    terminal_key: str
    password: str = field(repr=False)
    taxation: str = DEFAULT_TAXATION
    tax: str = DEFAULT_TAX

    def __post_init__(self) -> None:
        for name, value in (("terminal_key", self.terminal_key), ("password", self.password)):
            if not 0 < len(value) <= MAX_KEY or _BLANK.search(value):
                raise TerminalProblem(f"tbank_{name}_invalid")
        if self.taxation not in TAXATIONS:
            raise TerminalProblem("tbank_taxation_invalid")
        if self.tax not in TAXES:
            raise TerminalProblem("tbank_tax_invalid")


def terminal_settings(key: str, password: str, taxation: str = "", tax: str = "") -> OrgTerminal:
    """From a form: blanks trimmed, empty taxation and tax are the defaults."""
    return OrgTerminal(
        key.strip(),
        password.strip(),
        taxation.strip() or DEFAULT_TAXATION,
        tax.strip() or DEFAULT_TAX,
    )


def terminal_json(terminal: OrgTerminal) -> str:
    return json.dumps(
        {"key": terminal.terminal_key, "password": terminal.password,
         "taxation": terminal.taxation, "tax": terminal.tax}
    )  # fmt: skip


def terminal_of(stored: str | None) -> OrgTerminal | None:
    """The stored terminal, or None (not set, unreadable, or no longer valid)."""
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return OrgTerminal(
            str(data["key"]), str(data["password"]), str(data["taxation"]), str(data["tax"])
        )
    except (ValueError, KeyError, TypeError):
        return None


def new_attempt(order_id: int) -> str:
    """T-Bank's OrderId for one attempt to pay an order: unique per attempt (the bank refuses
    a repeated OrderId), 36 characters at most."""
    return f"o{order_id}-{secrets.token_hex(8)}"


def order_receipt(
    work: str, amount: int, terminal: OrgTerminal, phone: str | None, email: str | None
) -> dict[str, object]:
    """Init's Receipt for an order: orders have no line items, so one item, the work, for the
    whole amount; the buyer's phone (+7...) or e-mail. Paid after the service: full_payment."""
    name = " ".join(work.split())[:MAX_ITEM_NAME] or "-"
    item = ReceiptItem(name, amount, tax=terminal.tax, payment_method="full_payment")
    return receipt([item], email=email, phone=phone, taxation=terminal.taxation)


@dataclass(frozen=True, slots=True)
class ClientPayment:
    """One attempt to pay an order online. `status` is the bank's (core.billing.rules)."""

    id: int
    organization_id: int
    order_id: int
    attempt: str  # the OrderId sent to the bank
    amount_minor: int
    status: str
    payment_id: str | None
    payment_url: str | None
    refunded_minor: int
    created_at: datetime
    paid_at: datetime | None = None
    refund_asked_minor: int = 0  # asked to refund so far (>= refunded_minor once answered)

    @property
    def refundable_minor(self) -> int:
        """What staff may still ask to refund."""
        return max(self.amount_minor - max(self.refund_asked_minor, self.refunded_minor), 0)


@dataclass(frozen=True, slots=True)
class PaymentRecorded:
    """The change "payment recorded" (`core.client_loop.pay_service.RECORDED_JOB`'s payload):
    a client's payment, online or cash/card on site, was added to the order; a negative
    amount is an online payment refunded."""

    organization_id: int
    order_id: int
    amount_minor: int
    method: str  # cash, card, transfer; online payments are card with via=tbank
    via: str | None  # "tbank" for the payment link, None when a worker recorded it
    version: int  # the order's version after the change (one job per change)
    rest: int | None = None  # a part refunded: what stays paid of the online payment

    def payload(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "org": self.organization_id, "order": self.order_id, "amount": self.amount_minor,
            "method": self.method, "via": self.via, "version": self.version,
        }  # fmt: skip
        if self.rest is not None:
            payload["rest"] = self.rest
        return payload


def recorded_of(payload: dict[str, object]) -> PaymentRecorded:
    via, rest = payload.get("via"), payload.get("rest")
    return PaymentRecorded(
        int(str(payload["org"])), int(str(payload["order"])), int(str(payload["amount"])),
        str(payload["method"]), str(via) if via else None, int(str(payload["version"])),
        int(str(rest)) if rest is not None else None,
    )  # fmt: skip


class Created(Protocol):
    @property
    def payment_id(self) -> str: ...
    @property
    def payment_url(self) -> str: ...


class Cancelled(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def new_amount(self) -> int: ...


class State(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> int: ...


class ClientTerminal(Protocol):
    """The organization's terminal at the bank (`integrations.tbank.HttpTBank`)."""

    async def init(
        self,
        order_id: str,
        amount: int,
        description: str,
        receipt: dict[str, object] | None = None,
        notification_url: str | None = None,
    ) -> Created: ...
    async def cancel(
        self, payment_id: str, amount: int | None = None, external_request_id: str | None = None
    ) -> Cancelled: ...
    async def get_state(self, payment_id: str) -> State: ...


class TerminalFactory(Protocol):
    def __call__(self, terminal_key: str, password: str) -> ClientTerminal: ...
