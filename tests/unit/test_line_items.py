"""Line arithmetic and the typed line (core/catalogue): sums, discounts, rounding, VAT, and
the worker's "replace tap, 1 x 1 500" / "2,5 м x 300" as exact integers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.catalogue.model import (
    ItemKind,
    LineItem,
    NewItem,
    NewLine,
    check_item,
    check_line,
    gross,
    line_total,
    parse_vat,
    percent_off,
    quantity_label,
    total_of,
    vat_included,
    vat_label,
)
from core.catalogue.parsing import ParsedLine, parse_line, parse_quantity
from core.errors import DomainError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def line(qty: int, price: int, discount: int = 0, vat: int | None = None) -> LineItem:
    return LineItem(1, 1, 1, 0, None, "x", "", qty, price, discount, vat, None, AT)


def test_gross_rounds_half_up_to_a_minor_unit():
    assert gross(1000, 150000) == 150000
    assert gross(2500, 30000) == 75000
    assert gross(333, 100) == 33  # 0.333 x 1.00 = 0.333 -> 0.33
    assert gross(335, 100) == 34  # 0.335 -> 0.34 (half up)
    assert gross(125, 1) == 0  # 0.125 of a kopeck
    assert gross(500, 1) == 1  # half a kopeck rounds up


def test_sum_of_lines_with_discounts_is_exact():
    lines = [line(1000, 150000), line(2500, 30000, discount=7500), line(333, 100)]
    assert [x.total_minor for x in lines] == [150000, 67500, 33]
    assert total_of(lines) == 217533
    assert line_total(NewLine("a", 2000, 45050, discount_minor=10000)) == 80100


def test_percent_discount_and_vat_round_per_line():
    assert percent_off(75000, 1000) == 7500
    assert percent_off(333, 1500) == 50  # 49.95 -> 50
    with pytest.raises(DomainError):
        percent_off(100, 10_001)
    assert vat_included(120000, 2000) == 20000  # 1 200 incl. 20 % -> 200
    assert vat_included(100, 2000) == 17  # 16.67 -> 17
    assert vat_included(100, None) == 0 and vat_included(100, 0) == 0
    assert line(1000, 12000, vat=2000).vat_minor == 2000


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("replace tap, 1 x 1500", "en", ParsedLine("replace tap", 1000, "", 150000)),
        ("1 x 1 500", "ru", ParsedLine(None, 1000, "", 150000)),
        ("1 x 1 500", "en", ParsedLine(None, 1000, "", 150000)),
        ("2,5 м x 300", "ru", ParsedLine(None, 2500, "м", 30000)),
        ("кабель 2,5 м х 300", "ru", ParsedLine("кабель", 2500, "м", 30000)),
        ("Замена смесителя, 1 х 1 500 ₽", "ru", ParsedLine("Замена смесителя", 1000, "", 150000)),
        ("filter 2 pcs × 450.50 - 100", "en", ParsedLine("filter", 2000, "pcs", 45050, 10000)),
        ("фильтр 2 шт * 450,50", "ru", ParsedLine("фильтр", 2000, "шт", 45050)),
        ("cable 2.5 m x 300 -10%", "en", ParsedLine("cable", 2500, "m", 30000, 7500)),
        ("1 x 1,500", "en", ParsedLine(None, 1000, "", 150000)),
        ("1 x 1,50", "ru", ParsedLine(None, 1000, "", 150)),
        ("0.333 x 1", "en", ParsedLine(None, 333, "", 100)),
        ("2,5", "ru", ParsedLine(None, 2500, "", None)),
        ("3 шт", "ru", ParsedLine(None, 3000, "шт", None)),
    ],
)
def test_typed_lines_are_read_exactly(text, language, expected):
    assert parse_line(text, language) == expected


@pytest.mark.parametrize("text", ["", "x 1000", "replace tap", "1 x", "1 x abc", "1,2345 x 10"])
def test_unreadable_lines_are_refused_with_an_example(text):
    with pytest.raises(DomainError) as refused:
        parse_line(text, "en")
    assert refused.value.code in ("line_invalid", "quantity_range")


def test_quantities_are_thousandths():
    assert parse_quantity("2,5") == 2500
    assert parse_quantity("0.125") == 125
    assert quantity_label(2500) == "2.5" and quantity_label(1000) == "1"
    assert quantity_label(125) == "0.125"
    for bad in ("0", "0,0", "1.0001", "٣"):
        with pytest.raises(DomainError):
            parse_quantity(bad)


def test_a_line_is_checked_before_it_is_stored():
    assert check_line(NewLine("  replace   tap ", 1000, 150000)).name == "replace tap"
    for bad, code in [
        (NewLine(" ", 1000, 1), "name_empty"),
        (NewLine("a", 0, 1), "quantity_range"),
        (NewLine("a", 1000, 100, discount_minor=101), "line_discount_range"),
        (NewLine("a", 1000, 100, vat_bp=1800), "vat_rate_invalid"),
        (NewLine("a", 1000, 100, unit="x" * 13), "unit_too_long"),
    ]:
        with pytest.raises(DomainError) as refused:
            check_line(bad)
        assert refused.value.code == code


def test_vat_rates_are_read_and_written():
    assert parse_vat("20") == 2000 and parse_vat("20 %") == 2000
    assert parse_vat("10%") == 1000
    assert parse_vat("без НДС") is None and parse_vat("-") is None
    assert vat_label(2000) == "20%" and vat_label(None) == "-" and vat_label(0) == "0%"
    for bad in ("18", "7,5", "abc"):
        with pytest.raises(DomainError):
            parse_vat(bad)


def test_a_catalogue_item_is_checked():
    item = check_item(
        NewItem(kind=ItemKind.MATERIAL, name=" Фильтр ", unit="шт", price_minor=45000, vat_bp=2000)
    )
    assert item.name == "Фильтр" and item.kind is ItemKind.MATERIAL
    with pytest.raises(DomainError):
        check_item(NewItem(kind=ItemKind.SERVICE, name="a", unit="", price_minor=-1, vat_bp=None))
