"""Numbers people type, read the way their language writes them, for the flows' amounts.

Babel reads the number with the person's locale (`5,000.50` in English, `5 000,50` in
Russian). When that fails or gives more than two decimals (`5,000` in Russian is 5 with three
decimals, never an amount), the other language's way is tried, so `5,000`, `5 000` and
`5000,50` mean what they obviously mean in both. Currency signs and words around the number
are ignored; the result is a plain decimal string (`-500`, `5000.50`) for the core to check.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

# Spaces of every kind and apostrophes (Swiss style) only ever group digits.
_GROUPING = re.compile(r"[\s'’]")
_CURRENCY = re.compile(r"руб\w*\.?|р\.?|₽|rub|usd|eur|\$|€|£", re.IGNORECASE)
_NUMBER = re.compile(r"(?P<sign>[-\u2212])?(?P<digits>\d[\d.,]*)")
OTHER = {"ru": "en", "en": "ru"}


def read_number(text: str | None, locale: str) -> str | None:
    """'5,000' / '5 000' / '5000,50' / '-500 ₽' -> '5000' / '5000' / '5000.50' / '-500';
    None when the text is not a number with at most two decimals."""
    cleaned = _GROUPING.sub("", _CURRENCY.sub("", text or ""))
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        return None
    language = locale.split("_")[0]
    for reading in dict.fromkeys((language, OTHER.get(language, "en"))):
        value = _parse(match.group("digits"), reading)
        if value is not None:
            return ("-" if match.group("sign") else "") + format(value, "f")
    return None


def _parse(digits: str, locale: str) -> Decimal | None:
    try:
        value = parse_decimal(digits, locale=locale, strict=True)
    except NumberFormatError:
        return None
    exponent = value.as_tuple().exponent
    return value if isinstance(exponent, int) and exponent >= -2 else None
