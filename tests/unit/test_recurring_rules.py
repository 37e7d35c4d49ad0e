"""Recurrence rules: RRULE expansion over the organization's wall clock, and DST."""

from datetime import UTC, date, datetime, time

import pytest

from core.dialogs.data import RepeatData
from core.dialogs.engine import DialogInput
from core.errors import DomainError
from core.recurring.flows import parse_days, parse_end
from core.recurring.rules import (
    Rule,
    at_utc,
    checked_rule,
    count_before,
    key_of,
    local_of,
    occurrences,
    retimed,
)


def _weekly(start=date(2026, 3, 3), at=time(9, 0), **kw):
    return Rule("weekly", kw.pop("interval", 1), start, at, **kw)


def test_weekly_on_the_start_weekday_until_a_day_inclusive():
    rule = _weekly(until=date(2026, 3, 31))  # Tuesdays
    found = occurrences(rule, datetime(2026, 3, 1), datetime(2026, 6, 1))
    assert [d.day for d in found] == [3, 10, 17, 24, 31]
    assert all(d.time() == time(9, 0) for d in found)


def test_every_two_weeks_on_two_days_for_a_count():
    rule = _weekly(interval=2, weekdays=(2, 4), count=5)  # Tue and Thu
    found = occurrences(rule, datetime(2026, 3, 1), datetime(2026, 12, 1))
    assert [d.date().isoformat() for d in found] == [
        "2026-03-03", "2026-03-05", "2026-03-17", "2026-03-19", "2026-03-31",
    ]  # fmt: skip
    assert rule.as_rrule() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5"


def test_daily_and_monthly_and_a_window():
    daily = Rule("daily", 3, date(2026, 3, 1), time(8, 30))
    window = occurrences(daily, datetime(2026, 3, 5), datetime(2026, 3, 14))
    assert [d.day for d in window] == [7, 10, 13]
    monthly = Rule("monthly", 1, date(2026, 1, 31), time(10, 0), count=4)
    # RFC 5545: a month without the 31st has no occurrence (not the 30th)
    found = occurrences(monthly, datetime(2026, 1, 1), datetime(2027, 1, 1))
    assert [d.date().isoformat() for d in found] == [
        "2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31",
    ]  # fmt: skip


def test_count_before():
    rule = _weekly(count=10)
    assert count_before(rule, datetime(2026, 3, 3, 9, 0)) == 0
    assert count_before(rule, datetime(2026, 3, 17, 9, 0)) == 2


@pytest.mark.parametrize(
    ("zone", "before", "after", "utc_before", "utc_after"),
    [
        # Berlin: CET +1 until 29 March 2026, then CEST +2
        ("Europe/Berlin", date(2026, 3, 24), date(2026, 3, 31), 8, 7),
        # New York: EST -5 until 8 March 2026, then EDT -4
        ("America/New_York", date(2026, 3, 3), date(2026, 3, 10), 14, 13),
    ],
)
def test_nine_stays_nine_across_spring_forward(zone, before, after, utc_before, utc_after):
    rule = _weekly(start=before)
    found = occurrences(rule, datetime.combine(before, time()), datetime(2026, 4, 8))
    assert found[:2] == [datetime.combine(before, time(9)), datetime.combine(after, time(9))]
    moments = [at_utc(d, zone) for d in found[:2]]
    assert [m.hour for m in moments] == [utc_before, utc_after]
    assert all(local_of(m, zone).time() == time(9) for m in moments)


@pytest.mark.parametrize(
    ("zone", "day", "utc_hours"),
    [
        ("Europe/Berlin", date(2026, 10, 20), [7, 8]),
        ("America/New_York", date(2026, 10, 27), [13, 14]),
    ],
)
def test_nine_stays_nine_across_fall_back(zone, day, utc_hours):
    rule = _weekly(start=day)
    found = occurrences(rule, datetime.combine(day, time()), datetime(2026, 11, 10))[:2]
    assert [at_utc(d, zone).hour for d in found] == utc_hours


def test_a_time_the_clocks_skip_moves_forward_and_a_double_one_is_the_first():
    skipped = at_utc(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert skipped == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert local_of(skipped, "Europe/Berlin") == datetime(2026, 3, 29, 3, 30)
    twice = at_utc(datetime(2026, 10, 25, 2, 30), "Europe/Berlin")
    assert twice == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first


def test_a_zone_change_keeps_the_wall_clock():
    berlin_nine = at_utc(datetime(2026, 4, 7, 9, 0), "Europe/Berlin")
    ny_nine = retimed(berlin_nine, "Europe/Berlin", "America/New_York")
    assert local_of(ny_nine, "America/New_York") == datetime(2026, 4, 7, 9, 0)
    assert ny_nine == datetime(2026, 4, 7, 13, 0, tzinfo=UTC)
    assert key_of(datetime(2026, 4, 7, 9, 0)) == "2026-04-07T09:00"


def test_checked_rule_refusals():
    start, at = date(2026, 3, 3), time(9)
    for kwargs, code in [
        ({"freq": "yearly", "interval": 1}, "choose_option"),
        ({"freq": "weekly", "interval": 0}, "series_interval_range"),
        ({"freq": "daily", "interval": 1, "weekdays": (1,)}, "series_days_invalid"),
        ({"freq": "weekly", "interval": 1, "weekdays": (8,)}, "series_days_invalid"),
        ({"freq": "weekly", "interval": 1, "count": 0}, "series_count_range"),
        ({"freq": "weekly", "interval": 1, "until": date(2026, 3, 1)}, "series_end_invalid"),
        ({"freq": "weekly", "interval": 1, "until": start, "count": 2}, "series_end_invalid"),
    ]:
        with pytest.raises(DomainError) as error:
            checked_rule(start=start, at=at, **kwargs)
        assert error.value.code == code


def test_weekdays_and_ends_as_typed():
    assert parse_days("Mon, Thu") == "14"
    assert parse_days("пн и ср") == "13"
    assert parse_days("52") == "25"
    with pytest.raises(DomainError):
        parse_days("someday")
    data = RepeatData(order_id=1, today=date(2026, 3, 2), start=date(2026, 3, 3))
    assert parse_end(DialogInput(choice="never"), data) == "never"
    assert parse_end(DialogInput(text="10"), data) == "count:10"
    assert parse_end(DialogInput(text="31.03"), data) == "until:2026-03-31"
    assert parse_end(DialogInput(text="01.02"), data) == "until:2027-02-01"  # next year's
    with pytest.raises(DomainError) as error:
        parse_end(DialogInput(text="01.03.2026"), data)
    assert error.value.code == "series_end_invalid"
