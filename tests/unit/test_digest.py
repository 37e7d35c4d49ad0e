"""Digest content and notification preferences as plain values."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.domain import OrderStatus
from core.errors import DomainError
from core.notifications.digest import (
    DigestMessage,
    Facts,
    OrderRef,
    Period,
    build_digest,
    daily_window,
    period_window,
    scheduled_windows,
    so_far_windows,
)
from core.notifications.rules import PlanItem, Preferences, change, digest_key, reminder_key

TODAY = date(2026, 11, 27)


def _facts() -> Facts:
    return Facts(
        created=5,
        done=3,
        cancelled=1,
        revenue={"cash": 350000, "card": 120000},
        done_by_worker={7: 1, 8: 2},
        unassigned=(OrderRef(11, 4),),
        overdue=tuple(OrderRef(20 + i, 10 + i) for i in range(12)),
        unpaid=(),
        cancelled_orders=(OrderRef(30, 9),),
        totals={"overdue": 14, "unassigned": 1, "cancelled": 1},
    )


def test_exceptions_lead_in_order_with_totals_and_changes_against_before():
    digest = build_digest(
        Period.DAY, TODAY, TODAY, _facts(), Facts(created=2, revenue={"cash": 1})
    )
    assert list(digest.exceptions) == ["overdue", "unassigned", "cancelled"]
    assert len(digest.exceptions["overdue"]) == 10 and digest.totals["overdue"] == 14
    assert digest.created.delta == 3 and digest.revenue.now == 470000
    assert digest.revenue.delta == 469999
    assert list(digest.revenue_by_method) == ["card", "cash"]
    assert list(digest.done_by_worker) == [8, 7]
    assert not digest.quiet


def test_a_day_with_nothing_is_quiet():
    assert build_digest(Period.DAY, TODAY, TODAY, Facts(), Facts(created=4)).quiet


def test_digest_survives_its_trip_through_a_job_payload():
    digest = build_digest(Period.WEEK, TODAY, TODAY, _facts(), Facts(done=1))
    message = DigestMessage(digest, "Чистый дом", "RUB", {7: "Иван", 8: "Wang"})
    assert DigestMessage.from_data(message.as_data()) == message


def test_daily_window_is_the_wall_clock_day_before_the_digest():
    start, end = daily_window(TODAY, time(20), "Europe/Moscow")
    assert (start, end) == (
        datetime(2026, 11, 26, 17, tzinfo=UTC),
        datetime(2026, 11, 27, 17, tzinfo=UTC),
    )
    start, end = daily_window(date(2026, 3, 29), time(20), "Europe/Berlin")
    assert end - start == timedelta(hours=23)
    (current, previous) = scheduled_windows(Period.DAY, TODAY, time(20), "Europe/Moscow")
    assert previous[1] == current[0]


def test_weekly_window_is_last_monday_to_sunday():
    monday = date(2026, 11, 30)
    start, end = period_window(Period.WEEK, monday, "Europe/Moscow")
    assert start == datetime(2026, 11, 22, 21, tzinfo=UTC)  # Mon 23 Nov 00:00 Moscow
    assert end == datetime(2026, 11, 29, 21, tzinfo=UTC)
    current, previous = scheduled_windows(Period.WEEK, monday, time(9), "Europe/Moscow")
    assert previous[1] == current[0] and current == (start, end)


def test_on_demand_is_today_so_far_against_yesterday_by_the_same_time():
    now = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)  # 15:30 Moscow
    (start, end), (p_start, p_end) = so_far_windows(now, "Europe/Moscow")
    assert start == datetime(2026, 11, 26, 21, tzinfo=UTC) and end == now
    assert p_start == start - timedelta(days=1) and p_end == now - timedelta(days=1)


def test_preference_taps_toggle_and_cycle():
    prefs = Preferences()
    assert not change(prefs, "digest").digest
    assert change(change(prefs, "digest"), "digest").digest
    assert change(prefs, "digest_at").digest_at == time(21)
    assert change(Preferences(digest_at=time(22)), "digest_at").digest_at == time(18)
    assert change(prefs, "reminder_min").reminder_minutes == 60
    quiet = change(prefs, "quiet")
    assert (quiet.quiet_start, quiet.quiet_end) == (time(22), time(8))
    off = change(change(change(quiet, "quiet"), "quiet"), "quiet")
    assert off.quiet_start is None and off.quiet_end is None
    with pytest.raises(DomainError):
        change(prefs, "nonsense")


def test_keys_name_recipient_and_period_or_order_and_time():
    assert digest_key("day", 3, 9, TODAY) == "digest:day:3:9:2026-11-27"
    at = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert reminder_key(12, 9, at) == "reminder:12:9:20261127T0700"
    item = PlanItem(
        12, 3, 4, OrderStatus.ASSIGNED, at, 9, "Иван", "Пётр", None, "Москва", 55.7, 37.6
    )
    assert PlanItem.from_data(item.as_data()) == item
