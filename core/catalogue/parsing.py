"""Reading a line as a worker types it on site: `replace tap, 1 x 1500`, `1 x 1 500`,
`2,5 м x 300`, `cable 2.5 m x 300 -10%`, `filter 2 шт х 450,50 - 100`.

The shape is `[name[,]] quantity [unit] x price [- discount[%]]`; `x` may be the Latin or the
Cyrillic letter, `×` or `*`. A quantity takes `.` or `,` as its decimal point (at most three
places). A price groups thousands with spaces in both languages; in English a comma followed
by three digits also groups them (`1,500`), in Russian a comma is the decimal point
(`450,50`). Without a price (`2,5`), only the quantity is read: the price is the catalogue's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.catalogue.model import MILLI, gross, percent_off
from core.errors import DomainError

_TIMES = r"[xXхХ×*]"
_QTY = r"(?P<qty>\d{1,7}(?:[.,]\d{1,3})?)"
_UNIT = r"(?P<unit>[^\W\d_]{1,10}\.?(?:/[^\W\d_]{1,4})?|м2|м3|m2|m3)"
_PRICE_NUMBER = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"  # 1,500.50 (English)
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?"  # 1 500,50
    r"|\d+(?:[.,]\d{1,3})?"
)
_PRICE = rf"(?P<price>{_PRICE_NUMBER})"
_DISCOUNT = r"(?:\s*[-−]\s*(?P<disc>\d+(?:[.,]\d{1,2})?)\s*(?P<pct>%)?)?"
_NAME = r"(?:(?P<name>.*?\S)(?:\s*[,:;—]\s+|\s+))?"
_FULL = re.compile(
    rf"^{_NAME}{_QTY}\s*(?:{_UNIT}\s*)?{_TIMES}\s*{_PRICE}\s*(?:[₽$€]|руб\.?|rub)?{_DISCOUNT}$",
    re.IGNORECASE,
)
_QUANTITY_ONLY = re.compile(rf"^{_QTY}\s*(?:{_UNIT})?$", re.IGNORECASE)
EXAMPLE = "replace tap, 1 x 1500"


@dataclass(frozen=True, slots=True)
class ParsedLine:
    name: str | None
    quantity_milli: int
    unit: str
    price_minor: int | None
    discount_minor: int = 0


def parse_quantity(text: str) -> int:
    """'2', '2,5', '0.125' -> thousandths; more than three places or nonsense: an error."""
    cleaned = text.strip().replace(",", ".")
    whole, _, frac = cleaned.partition(".")
    if not whole.isdigit() or not whole.isascii() or (frac and not frac.isdigit()):
        raise DomainError("line_invalid", example=EXAMPLE)
    if len(frac) > 3:
        raise DomainError("quantity_range")
    quantity = int(whole) * MILLI + int((frac + "000")[:3])
    if quantity <= 0:
        raise DomainError("quantity_range")
    return quantity


def parse_price(text: str, language: str) -> int:
    """'1 500', '1500,50' (Russian), '1,500.50' (English) -> minor units."""
    cleaned = text.strip().rstrip("₽$€").strip()
    if not re.fullmatch(_PRICE_NUMBER, cleaned):
        raise DomainError("money_invalid", example="1500")
    return _price(cleaned, language)


def _price(text: str, language: str) -> int:
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if language != "ru" and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", compact):
        compact = compact.replace(",", "")
    compact = compact.replace(",", ".")
    whole, _, frac = compact.partition(".")
    if len(frac) > 2:  # "1.500" in Russian: a thousands dot
        if len(frac) == 3 and language == "ru":
            return int(whole + frac) * 100
        raise DomainError("money_invalid", example="1500")
    return int(whole) * 100 + int((frac + "00")[:2])


def parse_line(text: str, language: str = "en") -> ParsedLine:
    """A typed line, or `line_invalid` with an example."""
    cleaned = " ".join(text.replace("\u2212", "-").split())
    only = _QUANTITY_ONLY.fullmatch(cleaned)
    if only is not None and (only["unit"] or "").lower() not in ("x", "х"):
        return ParsedLine(None, parse_quantity(only["qty"]), only["unit"] or "", None)
    match = _FULL.fullmatch(cleaned)
    if match is None:
        raise DomainError("line_invalid", example=EXAMPLE)
    quantity = parse_quantity(match["qty"])
    price = _price(match["price"], language)
    discount = 0
    if match["disc"]:
        amount = match["disc"].replace(",", ".")
        if match["pct"]:
            whole, _, frac = amount.partition(".")
            bp = int(whole) * 100 + int((frac + "00")[:2])
            discount = percent_off(gross(quantity, price), bp)
        else:
            discount = _price(match["disc"], language)
    name = match["name"].strip(" ,:;—") if match["name"] else None
    return ParsedLine(name or None, quantity, match["unit"] or "", price, discount)
