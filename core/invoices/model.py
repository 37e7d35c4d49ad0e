"""An invoice: a gapless number per organization and year, the order's lines as they were at
Done (a snapshot), VAT per line and totals per rate, and what is left to pay.

Numbers: `2026-000017` is the 17th invoice the organization issued in 2026 (the year in the
organization's zone). The sequence is one counter row per organization and year, raised in
the unit of work that marks the order done, so a rolled-back Done leaves no gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.catalogue.model import LineItem, vat_included

SEQ_WIDTH = 6


def invoice_number(year: int, seq: int) -> str:
    """'2026-000017': the year and the organization's sequence in it."""
    return f"{year}-{seq:0{SEQ_WIDTH}d}"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line as billed. `name` None: the order's price as agreed (no line rows)."""

    name: str | None
    unit: str
    quantity_milli: int
    unit_price_minor: int
    discount_minor: int
    total_minor: int
    vat_bp: int | None

    @property
    def vat_minor(self) -> int:
        return vat_included(self.total_minor, self.vat_bp)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "quantity_milli": self.quantity_milli,
            "unit_price_minor": self.unit_price_minor,
            "discount_minor": self.discount_minor,
            "total_minor": self.total_minor,
            "vat_bp": self.vat_bp,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InvoiceLine:
        return cls(
            name=data.get("name"),
            unit=str(data.get("unit") or ""),
            quantity_milli=int(data["quantity_milli"]),
            unit_price_minor=int(data["unit_price_minor"]),
            discount_minor=int(data.get("discount_minor") or 0),
            total_minor=int(data["total_minor"]),
            vat_bp=None if data.get("vat_bp") is None else int(data["vat_bp"]),
        )


@dataclass(frozen=True, slots=True)
class VatTotal:
    """The lines of one VAT rate: their total (VAT included) and the VAT in it. The VAT of a
    rate is the sum of its lines' VAT (each rounded once), never a second rounding."""

    vat_bp: int | None
    total_minor: int
    vat_minor: int


def vat_totals(lines: Iterable[InvoiceLine]) -> tuple[VatTotal, ...]:
    """Totals per rate, highest rate first, 'no VAT' last."""
    sums: dict[int | None, tuple[int, int]] = {}
    for line in lines:
        total, vat = sums.get(line.vat_bp, (0, 0))
        sums[line.vat_bp] = (total + line.total_minor, vat + line.vat_minor)
    order = sorted(sums, key=lambda rate: -1 if rate is None else rate, reverse=True)
    return tuple(VatTotal(rate, *sums[rate]) for rate in order)


def billed_lines(price_minor: int | None, rows: Sequence[LineItem]) -> tuple[InvoiceLine, ...]:
    """The order's lines to bill: its line rows, or its one price as agreed (none without a
    price)."""
    if rows:
        return tuple(
            InvoiceLine(
                r.name,
                r.unit,
                r.quantity_milli,
                r.unit_price_minor,
                r.discount_minor,
                r.total_minor,
                r.vat_bp,
            )
            for r in rows
        )
    if price_minor is None:
        return ()
    return (InvoiceLine(None, "", 1000, price_minor, 0, price_minor, None),)


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int
    organization_id: int
    order_id: int
    client_id: int | None
    year: int
    seq: int
    issued_at: datetime
    total_minor: int
    lines: tuple[InvoiceLine, ...]
    file_key: str | None = None
    report_key: str | None = None

    @property
    def number(self) -> str:
        return invoice_number(self.year, self.seq)

    @property
    def vat_minor(self) -> int:
        return sum(line.vat_minor for line in self.lines)

    def balance(self, paid_minor: int) -> int:
        """What is left to pay after `paid_minor` (the order's payments: link, cash, card);
        never below zero."""
        return max(0, self.total_minor - paid_minor)
