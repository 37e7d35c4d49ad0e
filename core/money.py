"""Money is an integer number of minor units (kopecks, cents); this reads what people type."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.errors import DomainError

MAX_MINOR = 100_000_000_00  # 100 million in major units
_CLEAN = re.compile(r"[\s\u00a0\u202f'’]|руб\.?|р\.?|₽|rub|\$|€", re.IGNORECASE)


def parse_money(text: str | None) -> int:
    """'3500', '3 500', '3500,50', '3500 руб' -> minor units; refuses negatives and nonsense."""
    cleaned = _CLEAN.sub("", (text or "").strip()).replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        raise DomainError("money_invalid", example="3500")
    try:
        minor = int(Decimal(cleaned) * 100)
    except InvalidOperation:
        raise DomainError("money_invalid", example="3500") from None
    if minor <= 0 or minor > MAX_MINOR:
        raise DomainError("money_range", example="3500")
    return minor
