"""Issue 19, item 5: the free times a client may move a visit to, and when reminders are due:
pure rules of a frozen `now`, the organization's zone (Moscow without DST, Berlin with it)
and working hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.client_loop.model import ClientLoopSettings, MessageKind
from core.client_loop.reminders import due_kinds, reminder_key
from core.client_loop.slots import (
    WorkingHours,
    candidates,
    checked_hours,
    free_slots,
)
from core.domain import Order, OrderStatus
from core.errors import DomainError

MSK = "Europe/Moscow"
BERLIN = "Europe/Berlin"
NINE_TO_SIX = WorkingHours(time(9), time(18), frozenset({1, 2, 3, 4, 5, 6}))


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


# Monday 2 March 2026, 10:00 in Moscow.
NOW = local(MSK, 2026, 3, 2, 10, 0)


def test_candidates_are_on_the_hour_in_working_hours_on_working_days_only():
    found = candidates(NOW, MSK, NINE_TO_SIX)
    walls = [f.astimezone(ZoneInfo(MSK)) for f in found]
    assert walls[0].hour == 12  # two hours' lead from 10:00
    assert all(9 <= w.hour <= 17 for w in walls)  # the last visit ends at 18:00
    assert all(w.isoweekday() != 7 for w in walls)  # no Sunday
    assert max(found) <= NOW + timedelta(days=7)
    # Monday from 12:00 (6), Tuesday to Saturday (5 x 9), next Monday until 10:00 (2).
    assert len(found) == 6 + 5 * 9 + 2


def test_a_busy_assignee_frees_no_time_within_an_hour_of_their_orders():
    busy = {7: [local(MSK, 2026, 3, 2, 13, 30), local(MSK, 2026, 3, 2, 16, 0)]}
    found = free_slots(NOW, MSK, NINE_TO_SIX, [7], busy, limit=5)
    hours = [f.astimezone(ZoneInfo(MSK)).hour for f in found]
    assert hours == [12, 15, 17, 9, 10]  # 13 and 14 overlap 13:30, 16 is taken
    assert found[3].astimezone(ZoneInfo(MSK)).day == 3


def test_the_orders_own_time_is_not_offered():
    own = local(MSK, 2026, 3, 2, 12, 0)
    found = free_slots(NOW, MSK, NINE_TO_SIX, [7], {}, own=own, limit=2)
    assert own not in found and len(found) == 2


def test_unassigned_any_worker_free_will_do_and_nobody_means_no_times():
    at = local(MSK, 2026, 3, 2, 12, 0)
    both_busy = {1: [at], 2: [at]}
    one_free = {1: [at]}
    assert at not in free_slots(NOW, MSK, NINE_TO_SIX, [1, 2], both_busy)
    assert at in free_slots(NOW, MSK, NINE_TO_SIX, [1, 2], one_free)
    assert free_slots(NOW, MSK, NINE_TO_SIX, [], {}) == []


def test_berlin_spring_forward_skips_the_missing_hour_and_keeps_wall_times():
    hours = WorkingHours(time(1), time(5), frozenset(range(1, 8)))
    now = local(BERLIN, 2026, 3, 28, 12, 0)  # Saturday; clocks go 02:00 -> 03:00 on Sunday
    found = candidates(now, BERLIN, hours)
    sunday = [f.astimezone(ZoneInfo(BERLIN)) for f in found]
    sunday = [w for w in sunday if w.day == 29 and w.month == 3]
    assert [w.hour for w in sunday] == [1, 3, 4]  # 02:00 does not exist that day
    assert sunday[1].utcoffset() == timedelta(hours=2)
    monday = [w for w in (f.astimezone(ZoneInfo(BERLIN)) for f in found) if w.day == 30]
    assert [w.hour for w in monday] == [1, 2, 3, 4]


def test_berlin_autumn_offers_the_repeated_hour_once():
    hours = WorkingHours(time(1), time(4), frozenset(range(1, 8)))
    now = local(BERLIN, 2026, 10, 24, 12, 0)  # clocks go 03:00 -> 02:00 on Sunday 25
    found = candidates(now, BERLIN, hours)
    sunday = [f for f in found if f.astimezone(ZoneInfo(BERLIN)).day == 25]
    assert [f.astimezone(ZoneInfo(BERLIN)).hour for f in sunday] == [1, 2, 3]
    assert len(set(sunday)) == 3


def test_moscow_has_no_dst_the_same_wall_times_all_year():
    for month in (1, 7):
        now = local(MSK, 2026, month, 5, 6, 0)  # a Monday morning in both months
        first = candidates(now, MSK, NINE_TO_SIX)[0]
        assert first.astimezone(ZoneInfo(MSK)).hour == 9
        assert first.hour == 6  # UTC+3 in winter and summer


def test_working_hours_from_the_setting_and_checked_when_given():
    assert WorkingHours.of(None) == NINE_TO_SIX
    stored = {"start": "08:30", "end": "20:00", "days": "12345"}
    hours = WorkingHours.of(stored)
    assert hours.start == time(8, 30) and hours.days == frozenset({1, 2, 3, 4, 5})
    assert WorkingHours.of({"start": "nonsense"}) == NINE_TO_SIX
    assert checked_hours("10:00", "19:00", "67").as_data() == {
        "start": "10:00",
        "end": "19:00",
        "days": "67",
    }
    for start, end, days in (("25:00", "19:00", "1"), ("10:00", "10:30", "1"), ("9", "x", "")):
        with pytest.raises(DomainError):
            checked_hours(start, end, days)
    with pytest.raises(DomainError):
        checked_hours("10:00", "19:00", "8")


def _order(at: datetime, created: datetime) -> Order:
    return Order(
        id=5, organization_id=1, number=5, client_id=3, category_id=None,
        status=OrderStatus.ASSIGNED, address="x", latitude=None, longitude=None,
        scheduled_at=at, assignee_id=7, price_minor=None, paid_minor=0, payment_method=None,
        description=None, created_by=1, created_at=created,
    )  # fmt: skip


def test_the_day_before_reminder_is_due_from_the_organizations_time():
    visit = local(MSK, 2026, 3, 3, 11, 0)
    order = _order(visit, local(MSK, 2026, 3, 1, 9, 0))
    settings = ClientLoopSettings()
    assert due_kinds(order, settings, MSK, local(MSK, 2026, 3, 2, 17, 59)) == []
    assert due_kinds(order, settings, MSK, local(MSK, 2026, 3, 2, 18, 0)) == [MessageKind.REMINDER]
    late = replace(settings, reminder_at="20:30")
    assert due_kinds(order, late, MSK, local(MSK, 2026, 3, 2, 18, 0)) == []
    # Never within three hours of the visit, never for an order booked after 18:00.
    assert due_kinds(order, settings, MSK, local(MSK, 2026, 3, 3, 8, 30)) == []
    booked_late = _order(visit, local(MSK, 2026, 3, 2, 19, 0))
    assert due_kinds(booked_late, settings, MSK, local(MSK, 2026, 3, 2, 19, 1)) == []


def test_the_two_hour_reminder_only_when_asked_for():
    visit = local(BERLIN, 2026, 3, 29, 11, 0)  # the Sunday clocks go forward in Berlin
    order = _order(visit, local(BERLIN, 2026, 3, 20, 9, 0))
    at = visit - timedelta(hours=2)
    assert due_kinds(order, ClientLoopSettings(), BERLIN, at) == []
    asked = ClientLoopSettings(reminder_2h=True)
    assert due_kinds(order, asked, BERLIN, at) == [MessageKind.REMINDER_2H]
    assert due_kinds(order, asked, BERLIN, visit - timedelta(minutes=29)) == []
    # The day before at 18:00 Berlin time (CET, before the change).
    evening = local(BERLIN, 2026, 3, 28, 18, 0)
    assert evening.hour == 17
    assert due_kinds(order, asked, BERLIN, evening) == [MessageKind.REMINDER]


def test_a_moved_order_has_new_reminder_keys():
    first = local(MSK, 2026, 3, 3, 11, 0)
    key = reminder_key(MessageKind.REMINDER, 5, first)
    assert key != reminder_key(MessageKind.REMINDER, 5, first + timedelta(hours=1))
    assert key != reminder_key(MessageKind.REMINDER_2H, 5, first)
