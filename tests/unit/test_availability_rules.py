"""The availability rules (issue 20, item 11): hours and days as people type them, work hours,
clashes, and what makes a person unavailable, across a DST change."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.availability.rules import (
    Absence,
    AwayKind,
    clashes,
    day_bounds,
    parse_days,
    parse_hours,
    unavailable,
    visit_length,
    within_hours,
)
from core.errors import DomainError

TODAY = date(2026, 3, 2)  # a Monday
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("09:00-18:00 1-5", time(9), time(18), "12345"),
        ("9-18", time(9), time(18), "12345"),
        ("8.30 – 17 1-5,7", time(8, 30), time(17), "123457"),
        ("10:00-14:00 246", time(10), time(14), "246"),
    ],
)
def test_hours_as_typed(text, start, end, days):
    hours = parse_hours(text)
    assert (hours.start, hours.end, hours.day_digits) == (start, end, days)


@pytest.mark.parametrize("text", ["", "завтра", "18-9", "9-9:30 1-5", "9-18 8", "9-18 5-1"])
def test_hours_that_make_no_sense_are_asked_again(text):
    with pytest.raises(DomainError) as error:
        parse_hours(text)
    assert error.value.code == "away_hours_invalid"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("10.03", date(2026, 3, 10), date(2026, 3, 10)),
        ("10.03-20.03", date(2026, 3, 10), date(2026, 3, 20)),
        ("28.12-05.01", date(2026, 12, 28), date(2027, 1, 5)),
        ("01.03", date(2027, 3, 1), date(2027, 3, 1)),  # passed this year: next year's
        ("02.03", date(2026, 3, 2), date(2026, 3, 2)),  # today
        ("01.03.2026-02.03.2026", date(2026, 3, 1), date(2026, 3, 2)),  # a year given
    ],
)
def test_days_as_typed(text, first, last):
    assert parse_days(text, TODAY) == (first, last)


@pytest.mark.parametrize("text", ["", "31.02", "10.03.2026-01.03.2026", "01.01.2026-01.06.2027"])
def test_days_that_make_no_sense_are_asked_again(text):
    with pytest.raises(DomainError) as error:
        parse_days(text, TODAY)
    assert error.value.code == "away_days_invalid"


def test_a_visit_is_within_hours_only_if_it_ends_by_closing():
    hours = parse_hours("09:00-18:00 1-5")
    moscow = "Europe/Moscow"
    assert within_hours(hours, datetime(2026, 3, 2, 14, tzinfo=UTC), HOUR, moscow)  # 17:00
    assert not within_hours(hours, datetime(2026, 3, 2, 14, 30, tzinfo=UTC), HOUR, moscow)
    assert not within_hours(hours, datetime(2026, 3, 2, 5, tzinfo=UTC), HOUR, moscow)  # 08:00
    assert not within_hours(hours, datetime(2026, 3, 7, 9, tzinfo=UTC), HOUR, moscow)  # Sat


def test_hours_are_wall_clock_across_a_dst_change():
    hours = parse_hours("09:00-18:00 1-7")
    berlin = "Europe/Berlin"  # 29 March 2026: UTC+1 -> UTC+2
    assert within_hours(hours, datetime(2026, 3, 28, 8, tzinfo=UTC), HOUR, berlin)  # 09:00
    assert not within_hours(hours, datetime(2026, 3, 29, 6, 30, tzinfo=UTC), HOUR, berlin)
    assert within_hours(hours, datetime(2026, 3, 29, 7, tzinfo=UTC), HOUR, berlin)  # 09:00
    start, end = day_bounds(date(2026, 3, 29), date(2026, 3, 29), berlin)
    assert end - start == timedelta(hours=23)


def test_clashes_overlap_within_a_visit():
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    others = [at - HOUR, at + timedelta(minutes=30), at + 2 * HOUR, at]
    assert clashes(at, HOUR, others) == [at, at + timedelta(minutes=30)]
    assert clashes(at, 2 * HOUR, others) == [at - HOUR, at, at + timedelta(minutes=30)]


def test_unavailable_when_away_or_off_work():
    hours = parse_hours("09:00-18:00 1-5")
    away = [Absence(1, 1, 7, AwayKind.SICK, date(2026, 3, 3), date(2026, 3, 3))]
    monday, tuesday = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert not unavailable(monday, "Europe/Moscow", HOUR, hours, away)
    assert unavailable(tuesday, "Europe/Moscow", HOUR, hours, away)
    assert unavailable(monday.replace(hour=16), "Europe/Moscow", HOUR, hours, [])  # 19:00


def test_visit_length_comes_from_the_setting_within_reason():
    assert visit_length({}) == HOUR
    assert visit_length({"visit_minutes": 90}) == timedelta(minutes=90)
    assert visit_length({"visit_minutes": 5}) == HOUR
    assert visit_length({"visit_minutes": True}) == HOUR
