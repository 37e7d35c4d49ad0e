"""The rules behind the digest's and the Numbers page's figures, with plain values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import DomainError
from core.numbers.rules import (
    Visit,
    average_rating,
    by_local_day,
    count_visits,
    local_window,
    on_time,
    share,
    tenths,
)
from core.numbers.service import check_period

T = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def test_on_time_within_the_grace_and_untimed_visits_not_counted():
    assert on_time(Visit(1, T, T + timedelta(minutes=15), T + timedelta(hours=1))) is True
    assert on_time(Visit(1, T, T + timedelta(minutes=16), T + timedelta(hours=1))) is False
    assert on_time(Visit(1, None, T, T)) is None
    assert on_time(Visit(1, T, None, T - timedelta(minutes=5))) is True


def test_visits_count_distinct_clients_and_returning_ones():
    visits = [
        Visit(1, T, T, T, returning=True),
        Visit(1, None, T, T),
        Visit(2, T, T + timedelta(hours=1), T),
        Visit(None, None, T, T),
    ]
    counts = count_visits(visits)
    assert (counts.on_time, counts.timed, counts.clients, counts.repeat_clients) == (1, 2, 2, 1)


@pytest.mark.parametrize(
    ("part", "whole", "percent"), [(1, 2, 50), (1, 3, 33), (2, 3, 67), (1, 8, 13), (0, 0, None)]
)
def test_share_rounds_half_up(part, whole, percent):
    assert share(part, whole) == percent


def test_average_rating_in_tenths():
    assert average_rating({1: (9, 2), 2: (4, 1)}) == (13, 3)
    assert tenths(13, 3) == 43 and tenths(17, 4) == 43 and tenths(0, 0) is None


def test_revenue_by_local_day_across_dst_and_midnight():
    first, last = date(2026, 3, 28), date(2026, 3, 30)
    start, end = local_window(first, last, "Europe/Berlin")
    assert end - start == timedelta(hours=71)  # clocks went forward on 29 March
    paid = [
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), 100),  # 00:30 on the 29th in Berlin
        (datetime(2026, 3, 27, 23, 30, tzinfo=UTC), 7),  # 28th, 00:30 local
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), 9),  # outside: not counted
    ]
    days = by_local_day(paid, "Europe/Berlin", first, last)
    assert days == {first: 7, date(2026, 3, 29): 100, last: 0}


def test_a_period_is_at_most_a_year_and_not_backwards():
    check_period(date(2026, 1, 1), date(2026, 12, 31))
    for first, last in (
        (date(2026, 1, 2), date(2026, 1, 1)),
        (date(2025, 1, 1), date(2026, 1, 2)),
    ):
        with pytest.raises(DomainError):
            check_period(first, last)
