"""The clocks the product runs on, and the option that moves the machine's clock for a run."""

import os
import time
from datetime import UTC, datetime

from time_machine import escape_hatch

from bench.travel import CLOCK_OFFSET_ENV
from core.clock import FixedClock, RunningClock


def test_a_running_clock_starts_where_told_and_runs_with_its_timer():
    ticks = iter([100.0, 100.0, 102.5, 160.0])
    clock = RunningClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), timer=lambda: next(ticks))
    assert clock.now() == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert clock.now() == datetime(2026, 3, 29, 0, 30, 2, 500000, tzinfo=UTC)
    clock.advance(hours=1)
    assert clock.now() == datetime(2026, 3, 29, 1, 31, tzinfo=UTC)


def test_a_fixed_clock_needs_an_aware_moment():
    try:
        FixedClock(datetime(2026, 1, 1))
    except ValueError:
        return
    raise AssertionError("a naive datetime was accepted")


def test_the_wall_clock_option_moves_this_process_clock(request):
    moment = request.config.getoption("--wall-clock")
    if moment:
        # Moved by the offset the run started with (it then ticks, however long the run).
        offset = float(os.environ[CLOCK_OFFSET_ENV])
        assert abs(time.time() - escape_hatch.time.time() - offset) < 60
        assert datetime.now(UTC) >= datetime.fromisoformat(moment)
