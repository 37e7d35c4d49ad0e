"""How a failed job is classified, described and retried: permanent or not, a description
without personal data, and the backoff before the next try."""

from __future__ import annotations

import random
import traceback
from datetime import timedelta
from pathlib import Path

from core.errors import ExternalServiceError


class PermanentJobError(Exception):
    """The job can never succeed (bad input, a deleted record): bury it without retrying.

    `code` is stored and shown to managers, so it must be a stable code, never personal data.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def backoff(
    attempt: int, base: float = 5.0, cap: float = 3600.0, rng: random.Random | None = None
) -> timedelta:
    """The wait before retrying after `attempt` failed tries: exponential with full jitter.

    Full jitter (uniform between zero and the exponential ceiling) spreads the retries of jobs
    that failed together, such as after an outage, instead of sending them back in a herd.
    """
    exponent = min(max(attempt, 1) - 1, 64)  # past 2**64 the cap has long won
    ceiling = min(cap, base * 2.0**exponent)
    return timedelta(seconds=(rng or random).uniform(0.0, ceiling))


def is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, PermanentJobError):
        return True
    return isinstance(exc, ExternalServiceError) and not exc.retryable


def describe(exc: BaseException) -> str:
    """What a failure stores and reports: the type and our own codes, never the message,
    which may quote a client's name, phone or words."""
    name = type(exc).__name__
    if isinstance(exc, PermanentJobError):
        return f"{name}: {exc.code}"
    if isinstance(exc, ExternalServiceError):
        return f"{name}: {exc.service}"
    return name


def where(exc: BaseException) -> str:
    """The file and line that raised, to find the bug without logging the message."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
