"""Checks of a checklist's items, answers and a signature (stdlib only)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from core.checklists.model import ItemKind, NewItem
from core.errors import DomainError

MAX_ITEMS = 30
MAX_TEXT = 120
MAX_UNIT = 12
MAX_NAME = 100
MAX_SIGNATURE_BYTES = 32_000  # a drawn line is a few kB; the page's body cap is 64 KiB
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def clean(text: str, limit: int) -> str:
    """Printable text on one line, at most `limit` characters ("" when nothing is left)."""
    kept = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", kept).strip()[:limit]


def checked_items(items: Sequence[NewItem]) -> tuple[NewItem, ...]:
    """A template as it may be stored: 1..30 items with text; a unit only on number items."""
    if len(items) > MAX_ITEMS:
        raise DomainError("checklist_items_range", limit=MAX_ITEMS)
    out: list[NewItem] = []
    for item in items:
        text = clean(item.text, MAX_TEXT)
        if not text:
            raise DomainError("checklist_items_range", limit=MAX_ITEMS)
        unit = clean(item.unit or "", MAX_UNIT) if item.kind is ItemKind.NUMBER else ""
        out.append(NewItem(text=text, kind=item.kind, required=item.required, unit=unit or None))
    return tuple(out)


def fingerprint(text: str) -> int:
    """A small number for an item's text, carried by its remove button: item ids are not
    kept across edits of a list (SQLite may give a removed id to a new item), so a stale
    button whose text no longer matches removes nothing."""
    return zlib.crc32(text.encode()) % 100_000


def parse_line(line: str) -> NewItem | None:
    """One item typed as a line: `* ` in front makes it required, `[photo]` asks for a photo,
    `[number kWh]` / `[число кВт·ч]` for a number with its unit. Empty lines are None."""
    text = line.strip()
    if not text:
        return None
    required = text.startswith("*")
    text = text.lstrip("*").strip()
    kind, unit = ItemKind.TICK, None
    match = re.search(r"\[(photo|фото|number|число)\s*([^\]]*)\]\s*$", text, re.IGNORECASE)
    if match:
        word = match.group(1).lower()
        kind = ItemKind.PHOTO if word in ("photo", "фото") else ItemKind.NUMBER
        unit = match.group(2).strip() or None if kind is ItemKind.NUMBER else None
        text = text[: match.start()].strip()
    return NewItem(text=text, kind=kind, required=required, unit=unit)


def format_line(item: NewItem) -> str:
    """An item as `parse_line` reads it back: `* Water meter [number kWh]`."""
    marks = {ItemKind.PHOTO: " [photo]", ItemKind.NUMBER: " [number]"}
    mark = marks.get(item.kind, "")
    if item.kind is ItemKind.NUMBER and item.unit:
        mark = f" [number {item.unit}]"
    return ("* " if item.required else "") + item.text + mark


def parse_lines(text: str) -> list[NewItem]:
    """A checklist typed one item per line (`parse_line`); empty lines are skipped."""
    return [item for line in text.splitlines() if (item := parse_line(line)) is not None]


def parse_number(text: str) -> str:
    """A typed reading ("12 345,6") as a plain decimal string ("12345.6")."""
    raw = _SPACES.sub("", text.strip()).replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError("checklist_number", example="12345,6") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12 or len(raw) > 20:
        raise DomainError("checklist_number", example="12345,6")
    return format(value, "f")


def checked_signature(data: bytes) -> bytes:
    """A drawn signature: a real PNG (its signature and IHDR chunk), not over the size cap."""
    if len(data) > MAX_SIGNATURE_BYTES:
        raise DomainError("signature_invalid")
    if len(data) < 33 or not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR":
        raise DomainError("signature_invalid")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    if not (0 < width <= 4000 and 0 < height <= 4000):
        raise DomainError("signature_invalid")
    return data
