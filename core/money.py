"""Money is an integer number of minor units (kopecks, cents); this reads what people type.

The chat handler has already read the number the way the person's language writes it (`5,000`
in English, `5 000,50` in Russian) and passes a plain decimal such as `5000.50`; anything else
(a forwarded request read by the AI, a caller of the services) is read here leniently.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.errors import DomainError

MAX_MINOR = 100_000_000_00  # 100 million in major units
EXAMPLE = "3500"
_CLEAN = re.compile(r"[\s\u00a0\u202f'’]|руб\.?|р\.?|₽|rub|\$|€", re.IGNORECASE)
_AMOUNT = re.compile(r"(?P<sign>-)?(?P<number>\d+(\.\d{1,2})?)")


def parse_money(text: str | None) -> int:
    """'3500', '3 500', '3500,50', '3500 руб' -> minor units; refuses negatives and nonsense."""
    cleaned = _CLEAN.sub("", (text or "").strip()).replace(",", ".").replace("\u2212", "-")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise DomainError("money_invalid", example=EXAMPLE)
    if match.group("sign"):
        raise DomainError("money_negative", example=EXAMPLE)
    try:
        minor = int(Decimal(match.group("number")) * 100)
    except InvalidOperation:
        raise DomainError("money_invalid", example=EXAMPLE) from None
    if minor <= 0 or minor > MAX_MINOR:
        raise DomainError("money_range", example=EXAMPLE)
    return minor
