"""A test run's moved clock (pytest's `--wall-clock`), carried into the product processes it
starts: without it a bot process would live at the machine's hour while the test that drives
it lives at another, and no hour-dependent behaviour could be checked end to end.

The test run puts the offset in CLOCK_OFFSET_ENV; `python_c` prefixes a `python -c` program
with a prelude that moves that process's clock by the same offset (time-machine, ticking).
Without the variable the prelude does nothing.
"""

from __future__ import annotations

import sys

CLOCK_OFFSET_ENV = "ASTRACRM_TEST_CLOCK_OFFSET"
PRELUDE = (
    "import os\n"
    f"if os.environ.get({CLOCK_OFFSET_ENV!r}):\n"
    "    import time, time_machine\n"
    f"    time_machine.travel(time.time() + float(os.environ[{CLOCK_OFFSET_ENV!r}]),"
    " tick=True).start()\n"
)


def python_c(program: str) -> list[str]:
    """`python -c program`, its clock moved as the test run's is."""
    return [sys.executable, "-c", PRELUDE + program]
