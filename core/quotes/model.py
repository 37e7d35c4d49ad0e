"""A quote and its states (docs/quotes.md): draft, sent, approved, declined, expired.

A quote is valid through its `valid_until` day in the organization's zone: the day after it,
a sent quote counts as expired whether or not the expiry was written yet, so an approval
arriving late is refused the same way either way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.catalogue.model import MAX_LINES, MAX_PRICE_MINOR, NewLine, check_line, line_total
from core.errors import DomainError

MAX_VALID_DAYS = 365  # how far ahead a quote may be valid
REMIND_AFTER = timedelta(days=2)  # one reminder this long after sending, if unanswered


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    APPROVED = "approved"
    DECLINED = "declined"
    EXPIRED = "expired"


Q = QuoteStatus
OPEN = frozenset({Q.DRAFT, Q.SENT})
# Which state may follow which; everything else is refused.
_NEXT: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    Q.DRAFT: frozenset({Q.SENT, Q.EXPIRED}),
    Q.SENT: frozenset({Q.APPROVED, Q.DECLINED, Q.EXPIRED}),
}


@dataclass(frozen=True, slots=True)
class Quote:
    id: int
    organization_id: int
    client_id: int
    status: QuoteStatus
    valid_until: date
    total_minor: int
    line_count: int
    created_by: int | None
    order_id: int | None
    sent_at: datetime | None
    answered_at: datetime | None
    reminded_at: datetime | None
    created_at: datetime

    def status_on(self, today: date) -> QuoteStatus:
        """The state as of `today` (the organization's local date): an open quote past its
        day is expired even before the expiry is written."""
        if self.status in OPEN and today > self.valid_until:
            return Q.EXPIRED
        return self.status


def check_move(quote: Quote, to: QuoteStatus, today: date) -> None:
    """Refuse a change of state the quote cannot make now, with a reason a person can read:
    an expired quote (`quote_expired`), one already answered (`quote_already`)."""
    now_status = quote.status_on(today)
    if to in _NEXT.get(now_status, frozenset()):
        return
    if now_status is Q.EXPIRED:
        raise DomainError("quote_expired", day=quote.valid_until.strftime("%d.%m.%Y"))
    if now_status is Q.DRAFT:
        raise DomainError("quote_not_sent")
    raise DomainError("quote_already", status=now_status.value)


def check_valid_until(valid_until: date, today: date) -> date:
    if valid_until < today:
        raise DomainError("quote_valid_past")
    if valid_until > today + timedelta(days=MAX_VALID_DAYS):
        raise DomainError("quote_valid_far", days=MAX_VALID_DAYS)
    return valid_until


def check_lines(lines: Sequence[NewLine]) -> tuple[tuple[NewLine, ...], int]:
    """The lines as they will be stored and their total, or a domain error."""
    if not lines:
        raise DomainError("quote_no_lines")
    if len(lines) > MAX_LINES:
        raise DomainError("lines_too_many", limit=MAX_LINES)
    checked = tuple(check_line(line) for line in lines)
    total = quote_total(checked)
    if total > MAX_PRICE_MINOR:
        raise DomainError("money_range", example="1500")
    return checked, total


def quote_total(lines: Iterable[NewLine]) -> int:
    """The plain sum of the lines' totals (each rounded once, docs/line-items.md)."""
    return sum(line_total(line) for line in lines)


def reminder_due(quote: Quote, now: datetime, today: date) -> bool:
    """One reminder: a sent quote, unanswered, still valid, not reminded yet, sent at least
    `REMIND_AFTER` ago."""
    return (
        quote.status_on(today) is Q.SENT
        and quote.reminded_at is None
        and quote.sent_at is not None
        and now >= quote.sent_at + REMIND_AFTER
    )
