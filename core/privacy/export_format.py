"""How an export's CSV files and README are written for the person who asked for it.

JSON in an export keeps the stored values (UTC times, money in minor units); CSV is for people
opening it in Excel or LibreOffice: UTF-8 with a byte order mark (or Excel guesses a legacy
code page), money in major units with two decimals, times as local wall-clock times of the
organization's zone, named in the column's header. A Russian spreadsheet reads `;` between
cells and `,` before decimals; an English one `,` and `.`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

MONEY = "money"  # a column kind: an integer amount in minor units
TIMESTAMP = "timestamp"  # a column kind: a UTC moment
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte order mark
_STYLES = {"ru": (";", ",")}
_DEFAULT_STYLE = (",", ".")


@dataclass(frozen=True, slots=True)
class ExportLayout:
    """For whom the export is written: their language, the organization's zone and currency
    (a personal export spans organizations: UTC and no currency)."""

    language: str
    zone: str = "UTC"
    currency: str | None = None

    @property
    def delimiter(self) -> str:
        return _STYLES.get(self.language, _DEFAULT_STYLE)[0]

    @property
    def decimal_mark(self) -> str:
        return _STYLES.get(self.language, _DEFAULT_STYLE)[1]


@dataclass(frozen=True, slots=True)
class ReadmeFacts:
    """What the README inside the ZIP describes: each entity's columns (name, kind) and rows."""

    personal: bool
    created_at: datetime
    layout: ExportLayout
    entities: tuple[tuple[str, tuple[tuple[str, str], ...], int], ...]
    files: int
    client_id: int | None = None  # a client's data package (docs/data-rights.md)


def money_cell(minor: int, layout: ExportLayout) -> str:
    """1234567 -> '12345.67' (or '12345,67'): major units, always two decimals."""
    text = f"{Decimal(minor).scaleb(-2):.2f}"
    return text.replace(".", layout.decimal_mark)


def time_cell(moment: datetime | str, layout: ExportLayout) -> str:
    """A UTC moment as the zone's wall-clock time, `2026-03-04 09:30:00`, which spreadsheets
    read as a date and time."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(ZoneInfo(layout.zone)).strftime("%Y-%m-%d %H:%M:%S")


def column_kind(name: str, kind: str) -> str:
    """MONEY, TIMESTAMP or the kind as given: money is `money[:CUR]` or an integer `*_minor`."""
    if kind.startswith(MONEY) or (kind == "integer" and name.endswith("_minor")):
        return MONEY
    return TIMESTAMP if kind.startswith(TIMESTAMP) else kind


def currency_of(kind: str, layout: ExportLayout) -> str | None:
    """`money:RUB` is always roubles (the CRM's own bills); plain money is the organization's."""
    return kind.partition(":")[2] or layout.currency


def csv_header(name: str, kind: str, layout: ExportLayout) -> str:
    """`price_minor` -> `price (RUB)`, `created_at` -> `created_at (Europe/Moscow)`."""
    if column_kind(name, kind) == MONEY:
        currency = currency_of(kind, layout)
        base = name.removesuffix("_minor")
        return f"{base} ({currency})" if currency else base
    if column_kind(name, kind) == TIMESTAMP:
        return f"{name} ({layout.zone})"
    return name
