"""The CRM's own billing: plans and limits, monthly periods, T-Bank signatures and statuses.

Pure rules, standard library only. Money is an integer number of kopecks. The T-Bank parts
follow docs/protocols.md (T-Bank acquiring): `tbank_token` is the request and notification
signature, `apply_notification` turns the bank's statuses into what our payments table and
the organization's subscription should do, `receipt` builds Init's `Receipt` object.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.errors import DomainError

# --- T-Bank Token ----------------------------------------------------------------------------


def _token_value(value: object) -> str | None:
    """The text a top-level value contributes, or None when it is not a scalar."""
    if isinstance(value, bool):  # before int: bool is an int, and str(True) is "True"
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None  # objects, arrays and nulls are not signed


def tbank_token(fields: Mapping[str, object], password: str) -> str:
    """SHA-256 (lowercase hex) of the values of the top-level scalars plus `Password`,
    sorted by key and concatenated; `Token` itself and nested objects/arrays are skipped."""
    pairs = {
        key: text for key, value in fields.items() if (text := _token_value(value)) is not None
    }
    pairs.pop("Token", None)
    pairs["Password"] = password
    joined = "".join(pairs[key] for key in sorted(pairs))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def verify_token(notification: Mapping[str, object], password: str) -> bool:
    """Whether the notification's `Token` is ours, compared in constant time."""
    given = notification.get("Token")
    if not isinstance(given, str):
        return False
    expected = tbank_token(notification, password)
    return hmac.compare_digest(expected.encode(), given.encode("utf-8"))


# --- Plans and limits -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """A price per organization per month; None as a limit means unlimited."""

    code: str
    monthly_price: int  # kopecks
    max_members: int | None  # active members of any role
    max_orders_per_month: int | None
    ai_calls_per_month: int | None
    transcription_minutes_per_month: int | None


FREE = Plan("free", 0, 3, 100, 0, 0)
PRO = Plan("pro", 1_990_00, 15, 2_000, 300, 300)
BUSINESS = Plan("business", 4_990_00, None, None, 2_000, 2_000)
PLANS: dict[str, Plan] = {plan.code: plan for plan in (FREE, PRO, BUSINESS)}


def _over(limit: int | None, wanted: int) -> bool:
    return limit is not None and wanted > limit


def check_member_limit(plan: Plan, active_members_after: int) -> None:
    """Refuses a join or reactivation that would leave more active members than allowed."""
    if _over(plan.max_members, active_members_after):
        raise DomainError("plan_members_limit", limit=plan.max_members, plan=plan.code)


def check_order_limit(plan: Plan, orders_this_period: int) -> None:
    """Refuses one more order when `orders_this_period` (created so far) reached the limit."""
    if _over(plan.max_orders_per_month, orders_this_period + 1):
        raise DomainError("plan_orders_limit", limit=plan.max_orders_per_month, plan=plan.code)


# --- Billing periods ----------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks becomes its last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _require_aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("billing needs aware datetimes")


def period_bounds(anchor: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The monthly period [start, end) holding `now`, counted from `anchor` (the subscription
    start). Every bound is computed from the anchor, so the 31st gives Feb 28 (29), then Mar 31."""
    _require_aware(anchor, now)
    now = now.astimezone(anchor.tzinfo)
    months = (now.year - anchor.year) * 12 + now.month - anchor.month
    if add_months(anchor, months) > now:
        months -= 1
    return add_months(anchor, months), add_months(anchor, months + 1)


def extend_subscription(current_end: datetime | None, now: datetime, months: int) -> datetime:
    """The new end after paying for `months`: counted from the current end while it is still
    ahead, otherwise from now (a lapsed subscription does not pay for the gap)."""
    if months < 1:
        raise ValueError("months must be positive")
    _require_aware(now, *([current_end] if current_end is not None else []))
    start = now if current_end is None or current_end < now else current_end
    return add_months(start, months)


# --- Payment statuses ------------------------------------------------------------------------

NEW, FORM_SHOWED, AUTHORIZED, CONFIRMED = "NEW", "FORM_SHOWED", "AUTHORIZED", "CONFIRMED"
REJECTED, AUTH_FAIL = "REJECTED", "AUTH_FAIL"
CANCELED, DEADLINE_EXPIRED = "CANCELED", "DEADLINE_EXPIRED"
PARTIAL_REVERSED, REVERSED = "PARTIAL_REVERSED", "REVERSED"
PARTIAL_REFUNDED, REFUNDED = "PARTIAL_REFUNDED", "REFUNDED"

_FAILED = (REJECTED, AUTH_FAIL, CANCELED, DEADLINE_EXPIRED)
_NEXT: dict[str, tuple[str, ...]] = {
    NEW: (FORM_SHOWED, AUTHORIZED, CONFIRMED, *_FAILED),
    FORM_SHOWED: (AUTHORIZED, CONFIRMED, *_FAILED),
    AUTHORIZED: (CONFIRMED, PARTIAL_REVERSED, REVERSED),
    PARTIAL_REVERSED: (CONFIRMED, REVERSED),
    CONFIRMED: (PARTIAL_REFUNDED, REFUNDED),
    PARTIAL_REFUNDED: (REFUNDED,),
    **{final: () for final in (*_FAILED, REVERSED, REFUNDED)},
}


def _reachable(status: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = list(_NEXT[status])
    while todo:
        step = todo.pop()
        if step not in seen:
            seen.add(step)
            todo.extend(_NEXT[step])
    return frozenset(seen)


LATER: dict[str, frozenset[str]] = {status: _reachable(status) for status in _NEXT}
_ENDING = frozenset({REVERSED, REFUNDED})


@dataclass(frozen=True, slots=True)
class Transition:
    """What one notification (or GetState answer) means for a stored payment."""

    status: str  # the status to keep: the incoming one when `move`, else the current one
    move: bool  # store `status`
    extend: bool  # this payment just became paid: extend the subscription now, once
    end: bool  # a paid payment was taken back (refunded or reversed): end the subscription


def _granted(status: str, grant_on: str) -> bool:
    return status == grant_on or (status in LATER[grant_on] and status not in _ENDING)


def apply_notification(
    current_status: str, incoming_status: str, *, paid_on_authorized: bool = False
) -> Transition:
    """Moves only forward along the bank's status graph: a repeated, older (late AUTHORIZED
    after CONFIRMED) or unknown status (AUTHORIZING, RECEIPT, ...) changes nothing.

    The subscription is granted the first time the payment reaches CONFIRMED, or AUTHORIZED
    with `paid_on_authorized` (one-stage terminals that should not wait for CONFIRMED)."""
    if current_status not in _NEXT:
        raise ValueError(f"unknown stored payment status {current_status!r}")
    if incoming_status not in LATER[current_status]:
        return Transition(current_status, move=False, extend=False, end=False)
    grant_on = AUTHORIZED if paid_on_authorized else CONFIRMED
    was_paid = _granted(current_status, grant_on)
    is_paid = _granted(incoming_status, grant_on)
    ending = was_paid and incoming_status in _ENDING
    return Transition(incoming_status, move=True, extend=is_paid and not was_paid, end=ending)


# --- Receipt (Init's `Receipt`, FFD 1.05) ----------------------------------------------------

TAXATIONS = frozenset({"osn", "usn_income", "usn_income_outcome", "envd", "esn", "patent"})
TAXES = frozenset({"none", "vat0", "vat5", "vat7", "vat10", "vat20", "vat22", "vat105"})
TAXES |= {"vat107", "vat110", "vat120", "vat122"}
PAYMENT_METHODS = frozenset({"full_prepayment", "prepayment", "advance", "full_payment"})
PAYMENT_METHODS |= {"partial_payment", "credit", "credit_payment"}
MAX_ITEM_NAME = 128


@dataclass(frozen=True, slots=True)
class ReceiptItem:
    """One line of a receipt; `price` in kopecks, the line's amount is price × quantity."""

    name: str
    price: int
    quantity: int = 1
    tax: str = "none"
    payment_method: str = "full_prepayment"  # a subscription is paid before the service
    payment_object: str = "service"

    @property
    def amount(self) -> int:
        return self.price * self.quantity

    def as_dict(self) -> dict[str, object]:
        return {
            "Name": self.name,
            "Price": self.price,
            "Quantity": self.quantity,
            "Amount": self.amount,
            "Tax": self.tax,
            "PaymentMethod": self.payment_method,
            "PaymentObject": self.payment_object,
        }


def _check_item(item: ReceiptItem) -> None:
    if not item.name.strip() or len(item.name) > MAX_ITEM_NAME:
        raise ValueError(f"receipt item name must be 1..{MAX_ITEM_NAME} characters")
    if item.price <= 0 or item.quantity <= 0:
        raise ValueError("receipt item price and quantity must be positive")
    if item.tax not in TAXES or item.payment_method not in PAYMENT_METHODS:
        raise ValueError("unknown receipt item tax or payment method")
    if not item.payment_object:
        raise ValueError("receipt item payment object is required")


def receipt(
    items: Sequence[ReceiptItem],
    *,
    email: str | None = None,
    phone: str | None = None,
    taxation: str = "usn_income",
) -> dict[str, object]:
    """Init's `Receipt`: items, taxation system and where the fiscal receipt is sent (an
    e-mail or a phone, at least one). Init's `Amount` must be `receipt_total` of it."""
    if not items:
        raise ValueError("a receipt needs at least one item")
    if not (email or phone):
        raise ValueError("a receipt needs an email or a phone")
    if taxation not in TAXATIONS:
        raise ValueError(f"unknown taxation {taxation!r}")
    for item in items:
        _check_item(item)
    built: dict[str, object] = {"Items": [item.as_dict() for item in items], "Taxation": taxation}
    if email:
        built["Email"] = email
    if phone:
        built["Phone"] = phone
    return built


def receipt_total(built: Mapping[str, object]) -> int:
    """The sum of the items' `Amount`, which Init's `Amount` must equal."""
    items = built.get("Items")
    if not isinstance(items, list):
        raise ValueError("a receipt has a list of Items")
    amounts = [item.get("Amount") if isinstance(item, dict) else None for item in items]
    if not all(isinstance(amount, int) and not isinstance(amount, bool) for amount in amounts):
        raise ValueError("every receipt item has an integer Amount")
    return sum(amount for amount in amounts if isinstance(amount, int))
