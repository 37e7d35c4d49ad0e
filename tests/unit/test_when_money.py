"""Reading dates, times and amounts the way people type them."""

from datetime import UTC, date, datetime, time

import pytest

from core.errors import DomainError
from core.listing import local_day_bounds
from core.money import parse_money
from core.when import parse_when, to_utc

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("typed", "day", "at"),
    [
        ("25.12 14:30", date(2026, 12, 25), time(14, 30)),
        ("завтра 10:00", date(2026, 3, 3), time(10, 0)),
        ("Tomorrow", date(2026, 3, 3), None),
        ("сегодня 18.30", TODAY, time(18, 30)),
        ("14:30", TODAY, time(14, 30)),
        ("01.01 9", date(2027, 1, 1), time(9, 0)),
        ("2026-12-25 09:05", date(2026, 12, 25), time(9, 5)),
        ("25/12/2026 3pm", date(2026, 12, 25), time(15, 0)),
        ("послезавтра", date(2026, 3, 4), None),
    ],
)
def test_dates_people_type(typed, day, at):
    answer = parse_when(typed, TODAY)
    assert (answer.day, answer.at) == (day, at)


@pytest.mark.parametrize("typed", ["", "when?", "31.02 10:00", "25.12 25:00", "25.13", "10:61"])
def test_nonsense_asks_again_with_an_example(typed):
    with pytest.raises(DomainError) as refused:
        parse_when(typed, TODAY)
    assert refused.value.params["example"]


def test_local_wall_time_to_utc_across_dst():
    berlin = "Europe/Berlin"
    assert to_utc(date(2026, 3, 28), time(10), berlin) == datetime(2026, 3, 28, 9, tzinfo=UTC)
    assert to_utc(date(2026, 3, 30), time(10), berlin) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    start, end = local_day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), "Europe/Berlin")
    assert (end - start).total_seconds() == 23 * 3600


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("3500", 350000),
        ("3 500", 350000),
        ("3500,50", 350050),
        ("3500 руб", 350000),
        ("₽ 99.9", 9990),
        ("1\u00a0200р.", 120000),
    ],
)
def test_money(typed, minor):
    assert parse_money(typed) == minor


@pytest.mark.parametrize("typed", ["", "-5", "abc", "0", "1.234", "1e5", "999999999999"])
def test_bad_money(typed):
    with pytest.raises(DomainError):
        parse_money(typed)
