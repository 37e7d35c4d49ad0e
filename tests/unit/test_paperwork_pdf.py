"""The invoice and the service report as PDFs (handlers/paperwork.py drawn by
integrations/pdf.py), read back with pypdf in Russian and English: the number, the parties
with the organization's details, the lines, VAT per rate, totals and the balance; the
report's times, checklist answers, line items, photos and acceptance with its signature."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.admin.client_invoice import invoice_section
from bot.admin.html import SafeText
from core.companies.model import Company
from core.invoices.model import Invoice, InvoiceLine
from core.invoices.paperwork import InvoiceFacts, ReportAcceptance, ReportFacts, ReportItem
from core.invoices.requisites import Requisites
from handlers.i18n import Catalogs
from handlers.paperwork import invoice_document, report_document
from integrations.pdf import FpdfRenderer

ISSUED = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)  # 18:05 in Moscow
LINES = (
    InvoiceLine(None, "", 1000, 300000, 0, 300000, None),
    InvoiceLine("Замена смесителя", "шт", 2000, 45000, 0, 90000, 2000),
    InvoiceLine("Cable", "m", 2500, 30000, 5000, 70000, 1000),
)
REQUISITES = Requisites(
    legal_name='ООО "Чистый дом"',
    inn="7707083893",
    kpp="773601001",
    address="Москва, ул. Тверская, 1",
    bank_name="ПАО Сбербанк",
    bik="044525225",
    account="40702810400000000001",
    corr_account="30101810400000000225",
)


def _png(color: str, size: tuple[int, int] = (80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _text(document) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(FpdfRenderer().render(document)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split()), reader


def _images(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def _invoice_facts(paid: int) -> InvoiceFacts:
    invoice = Invoice(5, 1, 7, 3, 2026, 17, ISSUED, 460000, LINES)
    return InvoiceFacts(invoice, "Чистый дом", REQUISITES, "Пётр Сидоров", 42, "ул. Ленина, 5",
                        "RUB", "Europe/Moscow", paid)  # fmt: skip


def test_the_invoice_in_russian() -> None:
    text, _ = _text(invoice_document(Catalogs().get("ru"), _invoice_facts(paid=100000)))
    for part in (
        "Счёт № 2026-000017",
        "Дата: 2 мар. 2026, 18:05",
        'Исполнитель ООО "Чистый дом"',
        "ИНН 7707083893",
        "КПП 773601001",
        "БИК 044525225",
        "Расчётный счёт 40702810400000000001",
        "Клиент Пётр Сидоров",
        "Заказ №42",
        "Работа по договорённости",
        "Замена смесителя 2 шт 450 ₽",
        "2,5 m",
        "НДС 20% 900 ₽, в т. ч. НДС: 150 ₽",
        "НДС 10% 700 ₽, в т. ч. НДС: 63,64 ₽",
        "Без НДС 3 000 ₽, в т. ч. НДС: 0 ₽",
        "Итого: 4 600 ₽",
        "Оплачено: 1 000 ₽",
        "Осталось оплатить: 3 600 ₽",
    ):
        assert part in text, part


def test_the_invoice_in_english_unpaid() -> None:
    text, _ = _text(invoice_document(Catalogs().get("en"), _invoice_facts(paid=0)))
    for part in (
        "Invoice № 2026-000017",
        "INN 7707083893",
        "Client Пётр Сидоров",
        "Price as agreed",
        "VAT at 20% 900 RUB, VAT included: 150 RUB",
        "Without VAT",
        "Total: 4,600 RUB",
    ):
        assert part in text, part
    assert "Left to pay" not in text  # nothing paid: the total is what is due


def _report(checklist, acceptance, photos) -> ReportFacts:
    return ReportFacts(
        org_name="Чистый дом",
        order_number=42,
        client_name="Пётр Сидоров",
        address="ул. Ленина, 5",
        description="Замена смесителя на кухне",
        currency="RUB",
        timezone="Europe/Moscow",
        scheduled_at=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        on_way_at=datetime(2026, 3, 2, 10, 40, tzinfo=UTC),
        started_at=datetime(2026, 3, 2, 11, 5, tzinfo=UTC),
        done_at=datetime(2026, 3, 2, 12, 50, tzinfo=UTC),
        lines=LINES[1:],
        invoice_number="2026-000017",
        checklist=checklist,
        acceptance=acceptance,
        photos=photos,
    )


CHECKLIST = (
    ReportItem("Перекрыть воду", done=True, required=True),
    ReportItem("Показания счётчика", done=True, number="12345.6", unit="м³"),
    ReportItem("Фото после работ", done=True, photo=True),
    ReportItem("Проверить протечки", done=False),
)


@pytest.mark.parametrize(
    ("lang", "parts"),
    [
        (
            "ru",
            (
                "Отчёт о выполненных работах, заказ №42",
                "Клиент Пётр Сидоров",
                "Адрес ул. Ленина, 5",
                "Счёт 2026-000017",
                "Мастер в пути 2 мар. 2026, 13:40",
                "Начато 2 мар. 2026, 14:05",
                "Завершено 2 мар. 2026, 15:50",
                "Время на объекте 1 ч 45 мин",
                "Перекрыть воду выполнен",
                "Показания счётчика 12345,6 м³",
                "Фото после работ фото приложено",
                "Проверить протечки не выполнено",
                "Замена смесителя",
                "Итого: 1 600 ₽",
                "Принято 2 мар. 2026, 16:00, подписано на странице клиента",
                "Имя клиента Пётр",
                "Подпись",
            ),
        ),
        (
            "en",
            (
                "Service report, order №42",
                "Started 2 Mar 2026, 14:05",
                "Finished 2 Mar 2026, 15:50",
                "Time on site 1 h 45 min",
                "12345.6 м³",
                "photo attached",
                "not done",
                "signed on the client page",
                "Signature",
            ),
        ),
    ],
)
def test_the_service_report(lang: str, parts: tuple[str, ...]) -> None:
    acceptance = ReportAcceptance(
        "signature", datetime(2026, 3, 2, 13, 0, tzinfo=UTC), "Пётр", _png("white")
    )
    photos = (_png("red"), _png("blue", (60, 120)), _png("green"))
    text, reader = _text(
        report_document(Catalogs().get(lang), _report(CHECKLIST, acceptance, photos))
    )
    for part in parts:
        assert part in text, part
    assert _images(reader) == 4  # three photos and the signature


def test_a_report_without_checklist_or_acceptance_leaves_them_out() -> None:
    text, reader = _text(report_document(Catalogs().get("en"), _report(None, None, ())))
    assert "Service report, order №42" in text
    assert "Checklist" not in text and "Acceptance" not in text and "Photos" not in text
    assert _images(reader) == 0


def test_a_large_photo_is_scaled_down_and_a_broken_one_left_out() -> None:
    big = _png("red", (3000, 2000))
    facts = _report(None, None, (big, b"not an image"))
    pdf = FpdfRenderer().render(report_document(Catalogs().get("en"), facts))
    (image,) = [i for page in PdfReader(io.BytesIO(pdf)).pages for i in page.images]
    assert max(image.image.size) == 480


BUYER = Company(
    inn="7730123456",
    name='ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"',
    kpp="773001001",
    ogrn="1027730123453",
    address="125009, г Москва, ул Тверская, д 7",
)


@pytest.mark.parametrize(
    ("lang", "parts"),
    [
        ("ru", ('Покупатель ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"',
                "ИНН/КПП 7730123456 / 773001001",
                "Юридический адрес 125009, г Москва, ул Тверская, д 7", "Клиент Пётр Сидоров")),
        ("en", ("Buyer ОБЩЕСТВО", "INN/KPP 7730123456 / 773001001",
                "Legal address 125009, г Москва")),
    ],
)  # fmt: skip
def test_a_company_client_is_billed_as_the_company(lang, parts) -> None:
    facts = replace(_invoice_facts(paid=0), buyer=BUYER)
    text, _ = _text(invoice_document(Catalogs().get(lang), facts))
    for part in parts:
        assert part in text, part


def test_a_sole_trader_is_billed_with_the_inn_alone() -> None:
    sole = Company("771234567859", "ИП Иванов Иван Иванович", individual=True)
    facts = replace(_invoice_facts(paid=0), buyer=sole, client_name=sole.name)
    text, _ = _text(invoice_document(Catalogs().get("ru"), facts))
    assert "Покупатель ИП Иванов Иван Иванович ИНН 771234567859" in text
    assert "КПП" not in text.split("Покупатель")[1].split("Заказ")[0]
    assert text.count("ИП Иванов Иван Иванович") == 1  # not again as the client


@pytest.mark.parametrize(
    ("lang", "parts"),
    [
        ("ru", ("Покупатель: ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"РОМАШКА\"",
                "ИНН/КПП: 7730123456 / 773001001", "Юридический адрес: 125009, г Москва")),
        ("en", ("Buyer: ОБЩЕСТВО", "INN/KPP: 7730123456 / 773001001", "Legal address: 125009")),
    ],
)  # fmt: skip
def test_the_client_page_names_the_company_billed(lang, parts) -> None:
    invoice = Invoice(5, 1, 7, 3, 2026, 17, ISSUED, 460000, LINES)
    t = SafeText(Catalogs().get(lang))
    page = str(invoice_section(t, "/c/tok", invoice, BUYER))
    assert 'data-testid="invoice-buyer"' in page
    for part in parts:
        assert part in page, part
    assert "invoice-buyer" not in str(invoice_section(t, "/c/tok", invoice))  # a person
