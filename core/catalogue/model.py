"""Catalogue items and line items, and the arithmetic of a line.

Money is integer minor units; a quantity is integer thousandths (`2.5 m` is 2500), so every
sum is exact and the one rounding is a line's gross amount (half up, to a minor unit). VAT is
a rate in basis points (20 % is 2000; None: no VAT) and prices include it: a line's VAT is the
part of its total that the rate makes up, rounded half up per line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.changes import KEEP, Keep
from core.errors import DomainError

MILLI = 1000  # a quantity's thousandths per unit
MAX_QUANTITY = 1_000_000 * MILLI
MAX_PRICE_MINOR = 100_000_000_00
MAX_LINES = 50  # per order
NAME_MAX = 120
UNIT_MAX = 12
# The VAT rates a Russian business charges (none, 0 %, 5 %, 7 %, 10 %, 20 %, 22 %).
VAT_RATES = (None, 0, 500, 700, 1000, 2000, 2200)


class ItemKind(enum.StrEnum):
    SERVICE = "service"
    MATERIAL = "material"


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    id: int
    organization_id: int
    kind: ItemKind
    name: str
    unit: str
    price_minor: int
    vat_bp: int | None
    category_id: int | None
    archived: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewLine:
    """A line as typed or picked, before it is stored: `discount_minor` off its gross amount."""

    name: str
    quantity_milli: int
    unit_price_minor: int
    unit: str = ""
    discount_minor: int = 0
    vat_bp: int | None = None
    item_id: int | None = None


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of an order or of a quote (exactly one owner is set).
    `name` None: the order's price as it was agreed before it had lines."""

    id: int
    organization_id: int
    order_id: int | None
    position: int
    item_id: int | None
    name: str | None
    unit: str
    quantity_milli: int
    unit_price_minor: int
    discount_minor: int
    vat_bp: int | None
    created_by: int | None
    created_at: datetime
    quote_id: int | None = None

    @property
    def gross_minor(self) -> int:
        return gross(self.quantity_milli, self.unit_price_minor)

    @property
    def total_minor(self) -> int:
        return self.gross_minor - self.discount_minor

    @property
    def vat_minor(self) -> int:
        return vat_included(self.total_minor, self.vat_bp)


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def gross(quantity_milli: int, unit_price_minor: int) -> int:
    """Quantity times unit price, rounded half up to a minor unit: 0.333 x 1.00 is 0.33."""
    return _half_up(quantity_milli * unit_price_minor, MILLI)


def percent_off(gross_minor: int, percent_bp: int) -> int:
    """A discount of `percent_bp` basis points of `gross_minor`, rounded half up."""
    if not 0 <= percent_bp <= 10_000:
        raise DomainError("line_discount_range")
    return _half_up(gross_minor * percent_bp, 10_000)


def vat_included(total_minor: int, vat_bp: int | None) -> int:
    """The VAT inside a VAT-inclusive amount: total x rate / (100 % + rate), half up."""
    if not vat_bp:
        return 0
    return _half_up(total_minor * vat_bp, 10_000 + vat_bp)


def line_total(line: NewLine) -> int:
    return gross(line.quantity_milli, line.unit_price_minor) - line.discount_minor


def total_of(lines: Iterable[LineItem]) -> int:
    return sum(line.total_minor for line in lines)


def check_line(line: NewLine) -> NewLine:
    """A line that can be stored, or a domain error saying what is wrong with it."""
    name = " ".join(line.name.split())
    if not name:
        raise DomainError("name_empty")
    if len(name) > NAME_MAX:
        raise DomainError("name_too_long", limit=NAME_MAX, length=len(name))
    unit = line.unit.strip()
    if len(unit) > UNIT_MAX:
        raise DomainError("unit_too_long", limit=UNIT_MAX)
    if not 0 < line.quantity_milli <= MAX_QUANTITY:
        raise DomainError("quantity_range")
    if not 0 <= line.unit_price_minor <= MAX_PRICE_MINOR:
        raise DomainError("money_range", example="1500")
    check_vat(line.vat_bp)
    amount = gross(line.quantity_milli, line.unit_price_minor)
    if not 0 <= line.discount_minor <= amount:
        raise DomainError("line_discount_range")
    if amount > MAX_PRICE_MINOR:
        raise DomainError("money_range", example="1500")
    return NewLine(
        name,
        line.quantity_milli,
        line.unit_price_minor,
        unit,
        line.discount_minor,
        line.vat_bp,
        line.item_id,
    )


def check_vat(vat_bp: int | None) -> None:
    if vat_bp not in VAT_RATES:
        raise DomainError("vat_rate_invalid", rates=", ".join(vat_label(r) for r in VAT_RATES))


def vat_label(vat_bp: int | None) -> str:
    """'20%', '0%', '-' (no VAT): as the admin page and the chat write a rate."""
    if vat_bp is None:
        return "-"
    whole, rest = divmod(vat_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def parse_vat(text: str) -> int | None:
    """'20', '20%', '7,5 %' -> basis points; '-', 'none', 'без ндс', '' -> None."""
    cleaned = text.strip().lower().replace("%", "").replace(",", ".").strip()
    if cleaned in ("", "-", "none", "no", "нет", "без ндс", "без"):
        return None
    try:
        whole, _, frac = cleaned.partition(".")
        if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
            raise ValueError(cleaned)
        rate = int(whole) * 100 + int((frac + "00")[:2])
    except ValueError:
        raise DomainError(
            "vat_rate_invalid", rates=", ".join(vat_label(r) for r in VAT_RATES)
        ) from None
    check_vat(rate)
    return rate


def quantity_label(quantity_milli: int) -> str:
    """2500 -> '2.5', 1000 -> '1' (the handlers localize the decimal point)."""
    whole, rest = divmod(quantity_milli, MILLI)
    return str(whole) if not rest else f"{whole}.{rest:03d}".rstrip("0")


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    kind: ItemKind
    name: str
    unit: str
    price_minor: int
    vat_bp: int | None
    category_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemChange:
    """The columns an edit of a catalogue item sets (`KEEP`: left as it is)."""

    name: str | Keep = KEEP
    unit: str | Keep = KEEP
    price_minor: int | Keep = KEEP
    vat_bp: int | Keep | None = KEEP
    category_id: int | Keep | None = KEEP
    kind: ItemKind | Keep = KEEP
    archived_at: datetime | Keep | None = KEEP


def check_item(new: NewItem) -> NewItem:
    """A catalogue item that can be stored, or a domain error."""
    name = " ".join(new.name.split())
    if not name:
        raise DomainError("name_empty")
    if len(name) > NAME_MAX:
        raise DomainError("name_too_long", limit=NAME_MAX, length=len(name))
    unit = new.unit.strip()
    if len(unit) > UNIT_MAX:
        raise DomainError("unit_too_long", limit=UNIT_MAX)
    if not 0 <= new.price_minor <= MAX_PRICE_MINOR:
        raise DomainError("money_range", example="1500")
    check_vat(new.vat_bp)
    return NewItem(
        kind=ItemKind(new.kind),
        name=name,
        unit=unit,
        price_minor=new.price_minor,
        vat_bp=new.vat_bp,
        category_id=new.category_id,
    )
