"""The area of an address, for an order offered to all workers: the district or the street,
never the house, flat, entrance or floor. Workers decide whether to take an offer from where
it is; the full address goes to the one who takes it.

"Москва, ул. Сухонская, 11, кв. 5" -> "ул. Сухонская"; "Бибирево р-н, Лескова 3" -> "Бибирево
р-н"; "12 Baker Street, London" -> "Baker Street". Nothing is returned when no part of the
address is recognisably a district or a street (then the card shows no area at all).
"""

from __future__ import annotations

import re

_DISTRICT = re.compile(
    r"(?i)(?<!\w)(?:р-н|район\w*|мкр\.?|микрорайон\w*|district|borough|neighbou?rhood)(?!\w)"
)
_STREET = re.compile(
    r"(?i)(?<!\w)(?:ул\.?|улиц\w*|пр-к?т|просп\.?|проспект\w*|пер\.?|переул\w*|ш\.|шоссе"
    r"|б-р|бульвар\w*|пл\.|площад\w*|наб\.?|набережн\w*|проезд\w*|тупик\w*|алле[яеи]"
    r"|street|st\.?|avenue|ave\.?|road|rd\.?|lane|boulevard|blvd\.?|drive|way|square)(?!\w)"
)
# A house, building, flat, entrance or floor, with its number: dropped from the part kept.
_PREMISES = re.compile(
    r"(?i)(?<!\w)(?:д\.|дом|корп\.?|корпус|к\.|стр\.|строение|кв\.?|квартира|оф\.?|офис"
    r"|подъезд|под\.|этаж|эт\.|apt\.?|apartment|flat|suite|unit|#)\s*[\w/-]*"
)
_NUMBERS = re.compile(r"(?<![^\W\d_])\d+[\w/-]*")
_SPACES = re.compile(r"\s+")
AREA_MAX = 60


def area_of(address: str | None) -> str | None:
    """The district, else the street, of an address; None if neither can be told apart."""
    if not address:
        return None
    parts = [p.strip() for p in re.split(r"[,;\n]", address) if p.strip()]
    for pattern in (_DISTRICT, _STREET):
        for part in parts:
            if pattern.search(part):
                kept = _clean(part)
                if kept and _has_name(kept, pattern):
                    return kept[:AREA_MAX]
    return None


def _clean(part: str) -> str:
    without = _NUMBERS.sub(" ", _PREMISES.sub(" ", part))
    return _SPACES.sub(" ", without).strip(" .-/")


def _has_name(text: str, pattern: re.Pattern[str]) -> bool:
    """More than the bare word "street" or "district" is left."""
    return bool(re.search(r"[^\W\d_]{2,}", pattern.sub(" ", text)))
