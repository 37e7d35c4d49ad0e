"""The suite passes whatever the machine's clock says: the tests that touch times, schedules,
digests, reminders, retention and billing periods run again with this process's clock moved
to the hours where they used to fail (around midnight and noon UTC, evening in Moscow) and to
DST-change days in Europe/Berlin and America/New_York (time-machine, see `--wall-clock`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.migrated import TEMPLATE_ENV

ROOT = Path(__file__).resolve().parents[1]
INSTANTS = (
    "2026-12-06T00:30:00+00:00",
    "2026-12-06T12:30:00+00:00",
    "2026-12-06T18:30:00+00:00",  # 21:30 in Moscow: "today 18:00" has passed
    "2026-12-06T23:30:00+00:00",
    "2026-03-29T00:30:00+00:00",  # Berlin springs forward at 01:00 UTC
    "2026-11-01T05:30:00+00:00",  # New York falls back at 06:00 UTC
)
TIME_SENSITIVE = (
    "tests/unit/test_clock.py",
    "tests/unit/test_schedule.py",
    "tests/unit/test_digest.py",
    "tests/unit/test_digest_render.py",
    "tests/unit/test_retention.py",
    "tests/unit/test_billing.py",
    "tests/unit/test_when_money.py",
    "tests/unit/test_jobs.py",
    "tests/integration/test_scheduler.py",
    "tests/integration/test_retention.py",
    "tests/integration/test_notifications.py",
)
# The real bot end to end costs most of the time, and its bots run on their own clock from a
# fixed start (tests/e2e/conftest.py): only what the tests compute from the machine's clock
# can differ, so they run at the Moscow evening (where "today 18:00" used to fail) and on a
# DST change.
END_TO_END = ("tests/e2e/test_orders_input.py", "tests/e2e/test_notifications.py")
END_TO_END_AT = {INSTANTS[2], INSTANTS[4]}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("instant", INSTANTS)
def test_time_sensitive_tests_pass_at(instant, sqlite_template):
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}  # SQLite is enough
    env[TEMPLATE_ENV] = sqlite_template  # migrated once, by this worker (tests/migrated.py)
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    run = subprocess.run(
        [*command, "--wall-clock", instant, *TIME_SENSITIVE, *_end_to_end(instant)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def _end_to_end(instant: str) -> tuple[str, ...]:
    return END_TO_END if instant in END_TO_END_AT else ()
