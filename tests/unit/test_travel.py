"""The moved clock of a `--wall-clock` run reaches the product processes a test starts
(bench/travel.py), and without the offset their clock is the machine's."""

from __future__ import annotations

import os
import subprocess
import time

from time_machine import escape_hatch

from bench.travel import CLOCK_OFFSET_ENV, python_c

SHOW = "import time; print(int(time.time()))"
YEAR = 365 * 24 * 3600


def _real() -> float:
    """The machine's clock, also in a `--wall-clock` run."""
    return escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()


def _clock(offset: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != CLOCK_OFFSET_ENV}
    if offset is not None:
        env[CLOCK_OFFSET_ENV] = offset
    done = subprocess.run(python_c(SHOW), env=env, capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_started_process_moves_its_clock_by_the_offset():
    assert abs(_clock(str(10 * YEAR)) - _real() - 10 * YEAR) < 60


def test_without_the_offset_the_clock_is_not_moved():
    assert abs(_clock(None) - _real()) < 60
