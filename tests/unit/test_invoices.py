"""Invoice arithmetic and the organization's details (core/invoices): the number's shape, the
lines billed, VAT per line and per rate, the balance after payments, INN/KPP/BIK/account."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.catalogue.model import LineItem
from core.errors import DomainError
from core.invoices.model import Invoice, InvoiceLine, billed_lines, invoice_number, vat_totals
from core.invoices.requisites import Requisites, check_requisites, inn_valid

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _line(total: int, vat: int | None, name: str | None = "x") -> InvoiceLine:
    return InvoiceLine(name, "", 1000, total, 0, total, vat)


def _row(position: int, qty: int, price: int, discount: int, vat: int | None) -> LineItem:
    return LineItem(position, 1, 7, position, None, f"l{position}", "шт", qty, price, discount,
                    vat, None, NOW)  # fmt: skip


def test_numbers_are_the_year_and_six_digits() -> None:
    assert invoice_number(2026, 17) == "2026-000017"
    assert invoice_number(2027, 1) == "2027-000001"
    assert invoice_number(2026, 1234567) == "2026-1234567"


def test_an_order_without_rows_bills_its_price_as_agreed_and_nothing_without_a_price() -> None:
    (line,) = billed_lines(150000, ())
    assert (line.name, line.quantity_milli, line.total_minor, line.vat_bp) == (
        None,
        1000,
        150000,
        None,
    )
    assert billed_lines(None, ()) == ()


def test_rows_are_billed_as_they_are_with_discounts() -> None:
    lines = billed_lines(0, (_row(0, 2500, 30000, 0, 2000), _row(1, 1000, 45050, 10000, 1000)))
    assert [line.total_minor for line in lines] == [75000, 35050]
    assert [line.vat_minor for line in lines] == [12500, 3186]  # 75000/6, 35050/11 half up


def test_vat_is_summed_per_rate_from_the_lines_own_vat() -> None:
    lines = [_line(100, 2000), _line(100, 2000), _line(1000, 1000), _line(500, None), _line(7, 0)]
    totals = vat_totals(lines)
    assert [(t.vat_bp, t.total_minor, t.vat_minor) for t in totals] == [
        (2000, 200, 34),  # 17 + 17 per line, not 200/6 = 33 once
        (1000, 1000, 91),
        (0, 7, 0),
        (None, 500, 0),
    ]
    invoice = Invoice(1, 1, 7, None, 2026, 1, NOW, 1707, tuple(lines))
    assert invoice.vat_minor == 125
    assert invoice.number == "2026-000001"


def test_partial_payments_leave_a_balance_never_below_zero() -> None:
    invoice = Invoice(1, 1, 7, None, 2026, 1, NOW, 300000, (_line(300000, None),))
    assert invoice.balance(0) == 300000
    assert invoice.balance(100000) == 200000
    assert invoice.balance(350000) == 0


def test_lines_survive_their_json_snapshot() -> None:
    line = InvoiceLine("Замена смесителя", "шт", 2500, 45050, 100, 112525, 2200)
    assert InvoiceLine.from_json(line.as_json()) == line


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
def test_valid_inns(inn: str) -> None:
    assert inn_valid(inn)


@pytest.mark.parametrize(
    "inn", ["7707083894", "500100732258", "770708389", "12345678901", "", "７７07083893"]
)
def test_invalid_inns(inn: str) -> None:
    assert not inn_valid(inn)


def test_requisites_are_cleaned_and_checked() -> None:
    given = Requisites(
        legal_name='  ООО  "Чистый дом" ',
        inn="7707 083893",
        kpp="773601001",
        bik="044525225",
        account="4070 2810 4000 0000 0001",
        corr_account="30101810400000000225",
    )
    clean = check_requisites(given)
    assert clean.legal_name == 'ООО "Чистый дом"'
    assert clean.inn == "7707083893"
    assert clean.account == "40702810400000000001"
    assert check_requisites(Requisites()).empty


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("inn", "7707083894", "inn_invalid"),
        ("kpp", "77360100", "kpp_invalid"),
        ("bik", "04452522a", "bik_invalid"),
        ("account", "4070281040000000000", "account_invalid"),
        ("corr_account", "301018104000000002251", "account_invalid"),
    ],
)
def test_wrong_details_are_refused_by_name(field: str, value: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_requisites(Requisites(**{field: value}))
    assert refused.value.code == code
