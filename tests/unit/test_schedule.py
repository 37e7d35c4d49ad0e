"""Scheduling rules with plain values: local wall-clock times, DST, reminders, quiet hours."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.domain import OrderStatus
from core.notifications.schedule import (
    day_bounds,
    due_daily,
    due_today,
    due_weekly,
    hhmm,
    in_quiet_hours,
    occurrence,
    overdue,
    parse_hhmm,
    reminder_due,
)

BERLIN, MOSCOW = "Europe/Berlin", "Europe/Moscow"
DAY = timedelta(hours=26)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_moscow_digest_at_20_local_is_17_utc():
    assert due_daily(utc(2026, 11, 27, 16, 59), MOSCOW, time(20)) is None  # yesterday's: 24 h
    assert due_daily(utc(2026, 11, 27, 17, 0), MOSCOW, time(20)) == date(2026, 11, 27)
    assert due_daily(utc(2026, 11, 27, 23, 30), MOSCOW, time(20)) == date(2026, 11, 27)


def test_a_missed_occurrence_is_due_late_within_the_horizon_only():
    assert due_daily(utc(2026, 11, 28, 5, 0), MOSCOW, time(20)) == date(2026, 11, 27)
    assert due_daily(utc(2026, 11, 28, 11, 0), MOSCOW, time(20)) is None  # 18 h later: gone
    assert due_daily(utc(2026, 11, 28, 11, 0), MOSCOW, time(20), timedelta(hours=30))


def test_berlin_20_00_fires_at_local_20_on_both_sides_of_each_change():
    # winter (CET, +1): 19:00 UTC; summer (CEST, +2): 18:00 UTC
    assert occurrence(date(2026, 3, 28), time(20), BERLIN) == utc(2026, 3, 28, 19)
    assert occurrence(date(2026, 3, 29), time(20), BERLIN) == utc(2026, 3, 29, 18)
    assert occurrence(date(2026, 10, 24), time(20), BERLIN) == utc(2026, 10, 24, 18)
    assert occurrence(date(2026, 10, 25), time(20), BERLIN) == utc(2026, 10, 25, 19)


def test_a_time_in_the_spring_gap_moves_forward():
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist
    moment = occurrence(date(2026, 3, 29), time(2, 30), BERLIN)
    assert moment == utc(2026, 3, 29, 1, 30)  # = 03:30 CEST
    assert due_daily(utc(2026, 3, 29, 1, 29), BERLIN, time(2, 30), DAY) == date(2026, 3, 28)
    assert due_daily(utc(2026, 3, 29, 1, 30), BERLIN, time(2, 30)) == date(2026, 3, 29)


def test_an_ambiguous_autumn_time_is_its_first_occurrence_and_one_date():
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice
    first = occurrence(date(2026, 10, 25), time(2, 30), BERLIN)
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    assert due_daily(utc(2026, 10, 25, 0, 29), BERLIN, time(2, 30), DAY) == date(2026, 10, 24)
    assert due_daily(utc(2026, 10, 25, 0, 30), BERLIN, time(2, 30)) == date(2026, 10, 25)
    # at the second 02:30 (CET) the due occurrence is still the same date: no second digest
    assert due_daily(utc(2026, 10, 25, 1, 30), BERLIN, time(2, 30)) == date(2026, 10, 25)


def test_every_minute_of_a_dst_week_sees_each_date_come_due_once():
    for start, at in ((utc(2026, 3, 26), time(2, 30)), (utc(2026, 10, 22), time(2, 30))):
        seen, moment = [], start
        while moment < start + timedelta(days=6):
            day = due_daily(moment, BERLIN, at)
            if day is not None and (not seen or seen[-1] != day):
                seen.append(day)
            moment += timedelta(minutes=1)
        assert len(seen) == len(set(seen)) == 6, seen


def test_weekly_only_on_monday_morning():
    monday = utc(2026, 11, 30, 6, 0)  # 09:00 Moscow
    assert due_weekly(monday, MOSCOW) == date(2026, 11, 30)
    assert due_weekly(monday - timedelta(minutes=1), MOSCOW) is None
    assert due_weekly(utc(2026, 12, 1, 6, 0), MOSCOW) is None


def test_morning_plan_is_late_but_never_for_yesterday():
    assert due_today(utc(2026, 11, 27, 4, 59), MOSCOW, time(8)) is None
    assert due_today(utc(2026, 11, 27, 5, 0), MOSCOW, time(8)) == date(2026, 11, 27)
    assert due_today(utc(2026, 11, 27, 20, 0), MOSCOW, time(8)) == date(2026, 11, 27)
    assert due_today(utc(2026, 11, 27, 21, 1), MOSCOW, time(8)) is None  # 00:01 next day


def test_reminder_window_and_a_missed_reminder_for_a_started_job():
    job = utc(2026, 11, 27, 7, 0)
    assert not reminder_due(job - timedelta(minutes=31), job, 30)
    assert reminder_due(job - timedelta(minutes=30), job, 30)
    assert reminder_due(job - timedelta(seconds=1), job, 30)
    assert not reminder_due(job, job, 30)
    assert not reminder_due(job + timedelta(hours=2), job, 30)  # caught up after downtime: no


def test_overdue_only_when_not_started():
    job = utc(2026, 11, 27, 7, 0)
    later = job + timedelta(minutes=15)
    assert overdue(later, job, 15, OrderStatus.ASSIGNED)
    assert overdue(later, job, 15, OrderStatus.NEW)
    assert not overdue(later - timedelta(seconds=1), job, 15, OrderStatus.ASSIGNED)
    assert not overdue(later, job, 15, OrderStatus.IN_PROGRESS)
    assert not overdue(later, job, 15, OrderStatus.DONE)


@pytest.mark.parametrize(
    ("local", "quiet"),
    [("21:59", False), ("22:00", True), ("23:59", True), ("00:00", True), ("07:59", True),
     ("08:00", False), ("12:00", False)],
)  # fmt: skip
def test_quiet_hours_across_midnight(local, quiet):
    at = parse_hhmm(local)
    moment = datetime.combine(date(2026, 11, 27), at).replace(tzinfo=UTC)
    assert in_quiet_hours(moment, "UTC", time(22), time(8)) is quiet


def test_quiet_hours_within_a_day_and_off():
    noon = utc(2026, 11, 27, 12)
    assert in_quiet_hours(noon, "UTC", time(12), time(14))
    assert not in_quiet_hours(noon, "UTC", time(13), time(14))
    assert not in_quiet_hours(noon, "UTC", None, None)
    assert not in_quiet_hours(noon, "UTC", time(12), time(12))


def test_day_bounds_across_dst_and_hhmm():
    start, end = day_bounds(date(2026, 3, 29), BERLIN)
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    assert end - start == timedelta(hours=25)
    assert hhmm(parse_hhmm("08:05")) == "08:05"
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm("8")
