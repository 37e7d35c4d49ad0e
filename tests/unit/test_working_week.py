"""Issue 19, item 5: working hours given day by day (the settings page's form): each day's own
hours or closed, stored compactly (the hours most days have, plus the days that differ) so
uniform hours read and write as before, checked with the wrong day named, and the free times
following each day's hours."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.client_loop.slots import WorkingHours, candidates, checked_week
from core.errors import DomainError

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=MSK).astimezone(UTC)  # Monday 10:00 in Moscow


def test_a_week_keeps_each_days_hours_and_reads_back_the_same():
    hours = checked_week(
        {1: ("09:00", "18:00"), 2: ("09:00", "18:00"), 3: None, 4: (" 9:00", "18:00"),
         5: ("09:00", "18:00"), 6: ("10:00", "14:00"), 7: None}
    )  # fmt: skip
    assert hours.on(1) == (time(9), time(18)) and hours.on(6) == (time(10), time(14))
    assert hours.on(3) is None and hours.on(7) is None
    stored = hours.as_data()
    assert stored == {
        "start": "09:00", "end": "18:00", "days": "12456", "other": {"6": ["10:00", "14:00"]}
    }  # fmt: skip
    assert WorkingHours.of(stored) == hours
    same = checked_week({d: ("09:00", "18:00") for d in range(1, 7)} | {7: None})
    assert same.as_data() == {"start": "09:00", "end": "18:00", "days": "123456"}
    assert WorkingHours.of({"start": "09:00", "end": "18:00", "days": "1", "other": "x"}).on(1)


def test_a_wrong_day_is_named_and_a_closed_week_refused():
    for given in (("10:00", "10:30"), ("18:00", "09:00"), ("x", "18:00"), ("25:00", "26:00")):
        with pytest.raises(DomainError) as refused:
            checked_week({1: ("09:00", "18:00"), 4: given})
        assert refused.value.code == "working_day_invalid" and refused.value.params == {"day": 4}
    with pytest.raises(DomainError) as refused:
        checked_week(dict.fromkeys(range(1, 8)))
    assert refused.value.code == "working_days_none"


def test_the_free_times_follow_each_days_hours():
    hours = checked_week({1: ("15:00", "17:00"), 3: ("08:00", "10:00")})
    local = [t.astimezone(MSK) for t in candidates(NOW, "Europe/Moscow", hours)]
    assert [(t.isoweekday(), t.hour) for t in local] == [(1, 15), (1, 16), (3, 8), (3, 9)]
