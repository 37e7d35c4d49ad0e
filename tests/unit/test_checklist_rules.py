"""Checklist rules without a database: typed items, numbers, a drawn signature's PNG check,
what keeps an order from being done."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime

import pytest

from core.checklists.model import ChecklistAnswers, ItemKind, NewItem, OrderItem
from core.checklists.rules import (
    MAX_ITEMS,
    MAX_SIGNATURE_BYTES,
    checked_items,
    checked_signature,
    format_line,
    parse_line,
    parse_lines,
    parse_number,
)
from core.errors import DomainError


def png(width: int = 40, height: int = 20) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00" * 4 * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Осмотр фильтра", NewItem(text="Осмотр фильтра")),
        ("* Check the filter", NewItem(text="Check the filter", required=True)),
        ("*Фото узла [фото]", NewItem(text="Фото узла", kind=ItemKind.PHOTO, required=True)),
        (
            "* Meter reading [number kWh]",
            NewItem(text="Meter reading", kind=ItemKind.NUMBER, required=True, unit="kWh"),
        ),
        ("Давление [число]", NewItem(text="Давление", kind=ItemKind.NUMBER)),
        ("   ", None),
    ],
)
def test_a_typed_line_is_an_item(line: str, expected: NewItem | None) -> None:
    assert parse_line(line) == expected


def test_a_template_is_cleaned_and_limited() -> None:
    kept = checked_items(
        [
            NewItem(text=" a\u200b\tb ", unit="x"),
            NewItem(text="n", kind=ItemKind.NUMBER, unit=" м³ "),
        ]
    )
    assert kept == (NewItem(text="a b"), NewItem(text="n", kind=ItemKind.NUMBER, unit="м³"))
    with pytest.raises(DomainError) as refused:
        checked_items([NewItem(text="x")] * (MAX_ITEMS + 1))
    assert refused.value.code == "checklist_items_range"
    with pytest.raises(DomainError):
        checked_items([NewItem(text="\u200b ")])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12 345,6", "12345.6"), ("0", "0"), ("-3.25", "-3.25"), ("1\u00a0000", "1000")],
)
def test_a_number_is_stored_as_a_plain_decimal(typed: str, stored: str) -> None:
    assert parse_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "двенадцать", "1,2,3", "nan", "inf", "1e20"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_number(typed)
    assert refused.value.code == "checklist_number"


def test_a_signature_must_be_a_real_png_under_the_cap() -> None:
    good = png()
    assert checked_signature(good) == good
    for bad in (
        b"",
        b"GIF89a" + good[6:],
        good[:20],
        png(0, 10),
        png(5000, 10),
        good + b"\x00" * MAX_SIGNATURE_BYTES,
    ):
        with pytest.raises(DomainError) as refused:
            checked_signature(bad)
        assert refused.value.code == "signature_invalid"


def test_only_required_items_not_answered_are_missing() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def item(i: int, required: bool, done: bool) -> OrderItem:
        return OrderItem(
            id=i,
            order_id=1,
            position=i,
            text=f"i{i}",
            required=required,
            done_at=at if done else None,
        )

    answers = ChecklistAnswers(
        order_id=1, items=(item(1, True, True), item(2, True, False), item(3, False, False))
    )
    assert (answers.ticked, answers.total) == (1, 3)
    assert [i.text for i in answers.missing] == ["i2"]


def test_a_checklist_typed_as_lines_reads_back_as_it_is_shown():
    """The admin page's form: `format_line` writes what `parse_line` reads, in any order of
    kinds; blank lines are skipped."""
    items = [
        NewItem(text="Проверить фильтр", required=True),
        NewItem(text="Счётчик", kind=ItemKind.NUMBER, unit="кВт·ч"),
        NewItem(text="Давление", kind=ItemKind.NUMBER, required=True),
        NewItem(text="Фото узла", kind=ItemKind.PHOTO, required=True),
    ]
    lines = [format_line(item) for item in items]
    assert lines == [
        "* Проверить фильтр",
        "Счётчик [number кВт·ч]",
        "* Давление [number]",
        "* Фото узла [photo]",
    ]
    assert parse_lines("\n\n".join(lines) + "\n  \n") == items
    assert parse_lines("") == []
