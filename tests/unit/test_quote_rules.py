"""Quote states and totals (core/quotes/model.py): which state may follow which, expiry by the
organization's local date, the valid-until range, the one reminder, and the total as the
plain sum of lines each rounded once."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from core.catalogue.model import NewLine
from core.errors import DomainError
from core.quotes.model import (
    REMIND_AFTER,
    Quote,
    QuoteStatus,
    check_lines,
    check_move,
    check_valid_until,
    quote_total,
    reminder_due,
)

Q = QuoteStatus
SENT_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
QUOTE = Quote(
    id=1,
    organization_id=1,
    client_id=1,
    status=Q.SENT,
    valid_until=date(2026, 3, 10),
    total_minor=100,
    line_count=1,
    created_by=None,
    order_id=None,
    sent_at=SENT_AT,
    answered_at=None,
    reminded_at=None,
    created_at=SENT_AT,
)
DAY = date(2026, 3, 5)


@pytest.mark.parametrize(
    ("status", "to", "code"),
    [
        (Q.DRAFT, Q.SENT, None),
        (Q.DRAFT, Q.APPROVED, "quote_not_sent"),
        (Q.DRAFT, Q.DECLINED, "quote_not_sent"),
        (Q.SENT, Q.APPROVED, None),
        (Q.SENT, Q.DECLINED, None),
        (Q.SENT, Q.EXPIRED, None),
        (Q.SENT, Q.SENT, "quote_already"),
        (Q.APPROVED, Q.DECLINED, "quote_already"),
        (Q.DECLINED, Q.APPROVED, "quote_already"),
        (Q.EXPIRED, Q.APPROVED, "quote_expired"),
    ],
)
def test_moves(status, to, code):
    quote = replace(QUOTE, status=status)
    if code is None:
        check_move(quote, to, DAY)
        return
    with pytest.raises(DomainError) as refused:
        check_move(quote, to, DAY)
    assert refused.value.code == code


def test_a_quote_is_valid_through_its_day_and_expired_the_next():
    assert QUOTE.status_on(date(2026, 3, 10)) is Q.SENT
    assert QUOTE.status_on(date(2026, 3, 11)) is Q.EXPIRED
    check_move(QUOTE, Q.APPROVED, date(2026, 3, 10))
    with pytest.raises(DomainError) as late:
        check_move(QUOTE, Q.APPROVED, date(2026, 3, 11))
    assert late.value.code == "quote_expired" and late.value.params == {"day": "10.03.2026"}
    answered = replace(QUOTE, status=Q.APPROVED)  # an answer stays what it was
    assert answered.status_on(date(2026, 4, 1)) is Q.APPROVED


def test_valid_until_range():
    assert check_valid_until(DAY, DAY) == DAY
    assert check_valid_until(DAY + timedelta(days=365), DAY)
    for day, code in (
        (DAY - timedelta(days=1), "quote_valid_past"),
        (DAY + timedelta(days=366), "quote_valid_far"),
    ):
        with pytest.raises(DomainError) as bad:
            check_valid_until(day, DAY)
        assert bad.value.code == code


def test_one_reminder_after_two_days_while_waiting():
    due = SENT_AT + REMIND_AFTER
    assert not reminder_due(QUOTE, due - timedelta(seconds=1), DAY)
    assert reminder_due(QUOTE, due, DAY)
    assert not reminder_due(replace(QUOTE, reminded_at=due), due, DAY)
    assert not reminder_due(replace(QUOTE, status=Q.DECLINED), due, DAY)
    assert not reminder_due(replace(QUOTE, status=Q.DRAFT, sent_at=None), due, DAY)
    assert not reminder_due(QUOTE, due, date(2026, 3, 11))  # expired meanwhile


def test_totals_are_the_sum_of_lines_rounded_once_each():
    lines = [
        NewLine("a", 333, 100),  # 0.333 x 1.00 = 0.33
        NewLine("b", 335, 100),  # 0.335 x 1.00 = 0.34 (half up)
        NewLine("c", 2500, 800_00, discount_minor=100_00),  # 2000 - 100
    ]
    assert quote_total(lines) == 33 + 34 + 1900_00
    checked, total = check_lines([replace(lines[0], name="  a   b "), *lines[1:]])
    assert total == 33 + 34 + 1900_00 and checked[0].name == "a b"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "quote_no_lines"),
        ([NewLine("a", 1000, 1)] * 51, "lines_too_many"),
        ([NewLine("a", 1000, 100, discount_minor=101)], "line_discount_range"),
        ([NewLine("a", 1000, 100_000_000_00)] * 2, "money_range"),
    ],
)
def test_bad_lines(lines, code):
    with pytest.raises(DomainError) as bad:
        check_lines(lines)
    assert bad.value.code == code
