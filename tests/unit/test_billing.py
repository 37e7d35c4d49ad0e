"""Plans and their limits, monthly periods, payment status transitions and receipts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.billing.rules import (
    BUSINESS,
    FREE,
    LATER,
    PLANS,
    PRO,
    ReceiptItem,
    Transition,
    add_months,
    apply_notification,
    check_member_limit,
    check_order_limit,
    extend_subscription,
    period_bounds,
    receipt,
    receipt_total,
)
from core.errors import DomainError


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_plans_are_priced_per_organization_in_kopecks():
    assert list(PLANS) == ["free", "pro", "business"]
    assert (FREE.monthly_price, PRO.monthly_price, BUSINESS.monthly_price) == (0, 199000, 499000)
    assert all(isinstance(plan.monthly_price, int) for plan in PLANS.values())
    assert FREE.ai_calls_per_month == 0
    assert FREE.transcription_minutes_per_month == 0
    assert BUSINESS.max_members is None
    assert BUSINESS.max_orders_per_month is None


@pytest.mark.parametrize(("plan", "limit"), [(FREE, 3), (PRO, 15)])
def test_member_limit_at_the_boundary(plan, limit):
    check_member_limit(plan, limit)
    with pytest.raises(DomainError) as raised:
        check_member_limit(plan, limit + 1)
    assert raised.value.code == "plan_members_limit"
    assert raised.value.params == {"limit": limit, "plan": plan.code}


def test_business_has_no_member_or_order_limit():
    check_member_limit(BUSINESS, 10_000)
    check_order_limit(BUSINESS, 1_000_000)


@pytest.mark.parametrize(("plan", "limit"), [(FREE, 100), (PRO, 2000)])
def test_order_limit_counts_the_new_order(plan, limit):
    check_order_limit(plan, limit - 1)  # the last one allowed
    with pytest.raises(DomainError) as raised:
        check_order_limit(plan, limit)
    assert raised.value.code == "plan_orders_limit"
    assert raised.value.params == {"limit": limit, "plan": plan.code}


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (at(2025, 1, 31), at(2025, 1, 31), at(2025, 2, 28)),
        (at(2025, 2, 28, 11), at(2025, 1, 31), at(2025, 2, 28)),
        (at(2025, 2, 28, 12), at(2025, 2, 28), at(2025, 3, 31)),
        (at(2025, 3, 30), at(2025, 2, 28), at(2025, 3, 31)),
        (at(2025, 4, 15), at(2025, 3, 31), at(2025, 4, 30)),
        (at(2025, 12, 31, 13), at(2025, 12, 31), at(2026, 1, 31)),
    ],
)
def test_periods_anchored_on_the_31st(now, start, end):
    assert period_bounds(at(2025, 1, 31), now) == (start, end)


def test_leap_years():
    anchor = at(2024, 1, 31)
    assert period_bounds(anchor, at(2024, 2, 15)) == (at(2024, 1, 31), at(2024, 2, 29))
    assert period_bounds(anchor, at(2024, 3, 1)) == (at(2024, 2, 29), at(2024, 3, 31))
    feb29 = at(2024, 2, 29)
    assert period_bounds(feb29, at(2025, 2, 28, 13)) == (at(2025, 2, 28), at(2025, 3, 29))
    assert period_bounds(feb29, at(2028, 2, 29, 13)) == (at(2028, 2, 29), at(2028, 3, 29))


def test_period_converts_now_to_the_anchor_zone():
    anchor = at(2025, 3, 1, 0)
    moscow_now = datetime(2025, 4, 1, 2, tzinfo=timezone(timedelta(hours=3)))  # 23:00 UTC
    assert period_bounds(anchor, moscow_now) == (at(2025, 3, 1, 0), at(2025, 4, 1, 0))


def test_period_before_the_anchor_counts_backwards():
    assert period_bounds(at(2025, 3, 31), at(2025, 3, 1)) == (at(2025, 2, 28), at(2025, 3, 31))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        period_bounds(datetime(2025, 1, 1), at(2025, 1, 2))


def test_add_months_across_years():
    assert add_months(at(2025, 11, 30), 3) == at(2026, 2, 28)
    assert add_months(at(2025, 1, 31), -2) == at(2024, 11, 30)


def test_extend_a_new_or_lapsed_subscription_from_now():
    now = at(2025, 1, 31)
    assert extend_subscription(None, now, 1) == at(2025, 2, 28)
    assert extend_subscription(at(2024, 12, 1), now, 12) == at(2026, 1, 31)


def test_extend_an_active_subscription_from_its_end():
    end = at(2025, 3, 10)
    assert extend_subscription(end, at(2025, 3, 1), 1) == at(2025, 4, 10)
    assert extend_subscription(end, end, 2) == at(2025, 5, 10)


def test_extend_needs_positive_months():
    with pytest.raises(ValueError):
        extend_subscription(None, at(2025, 1, 1), 0)


def moves(current: str, incoming: str, **options: bool) -> Transition:
    return apply_notification(current, incoming, **options)


def test_two_stage_happy_path_extends_once_on_confirmed():
    assert moves("NEW", "FORM_SHOWED") == Transition("FORM_SHOWED", True, False, False)
    assert moves("FORM_SHOWED", "AUTHORIZED") == Transition("AUTHORIZED", True, False, False)
    assert moves("AUTHORIZED", "CONFIRMED") == Transition("CONFIRMED", True, True, False)


def test_confirmed_straight_from_new_extends():
    assert moves("NEW", "CONFIRMED") == Transition("CONFIRMED", True, True, False)


def test_one_stage_option_extends_on_authorized_and_not_again():
    assert moves("NEW", "AUTHORIZED", paid_on_authorized=True).extend
    later = moves("AUTHORIZED", "CONFIRMED", paid_on_authorized=True)
    assert later == Transition("CONFIRMED", True, False, False)
    assert moves("AUTHORIZED", "REVERSED", paid_on_authorized=True).end


@pytest.mark.parametrize("status", sorted(LATER))
def test_the_same_status_twice_is_a_no_op(status):
    assert moves(status, status) == Transition(status, False, False, False)


@pytest.mark.parametrize(
    ("current", "late"),
    [
        ("CONFIRMED", "AUTHORIZED"),
        ("CONFIRMED", "NEW"),
        ("AUTHORIZED", "FORM_SHOWED"),
        ("REFUNDED", "CONFIRMED"),
        ("REFUNDED", "PARTIAL_REFUNDED"),
        ("REJECTED", "AUTHORIZED"),
        ("DEADLINE_EXPIRED", "CONFIRMED"),
        ("CONFIRMED", "REJECTED"),
    ],
)
def test_older_or_impossible_statuses_change_nothing(current, late):
    assert moves(current, late) == Transition(current, False, False, False)


@pytest.mark.parametrize("status", ["AUTHORIZING", "CONFIRMING", "3DS_CHECKING", "RECEIPT", ""])
def test_intermediate_and_unknown_statuses_are_ignored(status):
    assert not moves("NEW", status).move


def test_an_unknown_stored_status_is_a_bug():
    with pytest.raises(ValueError):
        moves("PAID", "CONFIRMED")


@pytest.mark.parametrize("refund", ["REFUNDED", "PARTIAL_REFUNDED"])
def test_refunds_after_confirmation(refund):
    transition = moves("CONFIRMED", refund)
    assert transition.move
    assert transition.end is (refund == "REFUNDED")
    assert not transition.extend


def test_partial_then_full_refund_ends():
    assert moves("PARTIAL_REFUNDED", "REFUNDED") == Transition("REFUNDED", True, False, True)


def test_reversal_of_an_unconfirmed_two_stage_payment_ends_nothing():
    assert moves("AUTHORIZED", "REVERSED") == Transition("REVERSED", True, False, False)


def test_a_refund_that_skipped_our_confirmed_grants_and_ends_nothing():
    assert moves("AUTHORIZED", "REFUNDED") == Transition("REFUNDED", True, False, False)


@pytest.mark.parametrize("failure", ["REJECTED", "CANCELED", "DEADLINE_EXPIRED", "AUTH_FAIL"])
def test_failures_before_payment(failure):
    assert moves("FORM_SHOWED", failure) == Transition(failure, True, False, False)
    assert LATER[failure] == frozenset()


def test_replaying_any_notification_sequence_extends_at_most_once():
    sequence = ["AUTHORIZED", "CONFIRMED", "AUTHORIZED", "CONFIRMED", "PARTIAL_REFUNDED"]
    status, extended = "NEW", 0
    for incoming in sequence + sequence:
        transition = moves(status, incoming)
        status, extended = transition.status, extended + transition.extend
    assert (status, extended) == ("PARTIAL_REFUNDED", 1)


def test_receipt_for_a_subscription():
    built = receipt([ReceiptItem("Тариф Pro, 1 месяц", 199000)], email="owner@example.com")
    assert built == {
        "Items": [
            {
                "Name": "Тариф Pro, 1 месяц",
                "Price": 199000,
                "Quantity": 1,
                "Amount": 199000,
                "Tax": "none",
                "PaymentMethod": "full_prepayment",
                "PaymentObject": "service",
            }
        ],
        "Taxation": "usn_income",
        "Email": "owner@example.com",
    }
    assert receipt_total(built) == 199000


def test_receipt_total_sums_price_times_quantity():
    items = [ReceiptItem("Pro", 199000, 3, tax="vat20"), ReceiptItem("Setup", 50000)]
    built = receipt(items, phone="+79001234567", taxation="osn")
    assert receipt_total(built) == 3 * 199000 + 50000
    assert built["Phone"] == "+79001234567"
    assert "Email" not in built


@pytest.mark.parametrize(
    ("items", "contact", "taxation"),
    [
        ([], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("Pro", 100)], {}, "osn"),
        ([ReceiptItem("Pro", 100)], {"email": "a@b.c"}, "simplified"),
        ([ReceiptItem("", 100)], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("x" * 129, 100)], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("Pro", 0)], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("Pro", 100, 0)], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("Pro", 100, tax="vat18")], {"email": "a@b.c"}, "osn"),
        ([ReceiptItem("Pro", 100, payment_method="later")], {"email": "a@b.c"}, "osn"),
    ],
)
def test_invalid_receipts_are_refused(items, contact, taxation):
    with pytest.raises(ValueError):
        receipt(items, taxation=taxation, **contact)


def test_receipt_total_refuses_a_foreign_shape():
    with pytest.raises(ValueError):
        receipt_total({"Items": [{"Amount": "100"}]})
    with pytest.raises(ValueError):
        receipt_total({})
