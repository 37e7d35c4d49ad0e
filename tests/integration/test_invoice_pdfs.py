"""The invoice job on both databases (handlers/paperwork_jobs.py): after Done it renders the
invoice and the service report in the organization's language and keeps both PDFs in the
file storage with their keys on the invoice; the report shows the work times from the
events and the client's acceptance once there is one; the client's invoices carry the
balance left after a partial payment."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.checklists.model import AcceptanceMethod
from core.checklists.service import accept
from core.domain import Job
from core.invoices.issue import SEND_JOB
from core.invoices.requisites import Requisites
from core.orders.rules import OrderAction
from core.privacy.erasure import ERASE_OBJECTS_JOB
from handlers.i18n import Catalogs
from handlers.paperwork_jobs import invoice_jobs
from integrations.pdf import FpdfRenderer
from storage.tables import JobRow
from storage.tables_invoices import InvoiceRow
from tests.integration.test_catalogue import _order
from tests.privacy_support import open_world


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


def _text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def test_done_renders_and_keeps_the_invoice_and_the_report(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    services, org_id = w.services, owner.organization.id
    given = Requisites(legal_name='ООО "Чистый дом"', inn="7707083893", bik="044525225")
    await services.invoices.save_requisites(owner, given)
    clock.advance(minutes=95)
    await services.orders.act(worker, order.id, OrderAction.DONE)
    await services.orders.act(worker, order.id, OrderAction.PAY, amount_minor=100000,
                              method="cash")  # fmt: skip
    async with w.uow() as uow:
        invoice = await uow.invoices.for_order(org_id, order.id)
        done = await uow.orders.get(org_id, order.id)
        await accept(uow, clock, done, AcceptanceMethod.NAME, name="Пётр Сидоров")
        await uow.commit()

    handler = invoice_jobs(services.invoices, Catalogs(), FpdfRenderer())[SEND_JOB]
    await handler(Job(1, SEND_JOB, {"invoice_id": invoice.id}, 0, org_id))

    invoice_text = _text(await services.invoices.pdf(org_id, invoice.id))
    for part in ("Счёт № 2026-000001", 'ООО "Чистый дом"', "ИНН 7707083893",
                 "Клиент Пётр Сидоров", "Итого: 3 000 ₽", "Оплачено: 1 000 ₽",
                 "Осталось оплатить: 2 000 ₽"):  # fmt: skip
        assert part in invoice_text, part
    report_text = _text(await services.invoices.pdf(org_id, invoice.id, report=True))
    for part in ("Отчёт о выполненных работах, заказ №1", "Счёт 2026-000001",
                 "Время на объекте 1 ч 35 мин", "принято на странице клиента, имя введено",
                 "Имя клиента Пётр Сидоров"):  # fmt: skip
        assert part in report_text, part

    (listed,) = await services.invoices.of_client(owner, done.client_id)
    assert (listed[0].file_key, listed[1]) == (f"org/{org_id}/invoices/2026-000001.pdf", 200000)


async def test_a_gone_invoice_renders_nothing(w, clock):
    owner, *_ = await _order(w, clock)
    handler = invoice_jobs(w.services.invoices, Catalogs(), FpdfRenderer())[SEND_JOB]
    await handler(Job(1, SEND_JOB, {"invoice_id": 999}, 0, owner.organization.id))
    assert await w.services.invoices.pdf(owner.organization.id, 999) is None


async def test_the_export_holds_the_pdfs_and_erasing_the_client_deletes_them(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    services, org_id = w.services, owner.organization.id
    await services.orders.act(worker, order.id, OrderAction.DONE)
    async with w.uow() as uow:
        invoice = await uow.invoices.for_order(org_id, order.id)
    handler = invoice_jobs(services.invoices, Catalogs(), FpdfRenderer())[SEND_JOB]
    await handler(Job(1, SEND_JOB, {"invoice_id": invoice.id}, 0, org_id))

    export = await services.privacy.export_archive(owner)
    try:
        with zipfile.ZipFile(export.path) as archive:
            names = set(archive.namelist())
            assert {"invoices/2026-000001.pdf", "invoices/2026-000001-report.pdf"} <= names
            assert "Счёт № 2026-000001" in _text(archive.read("invoices/2026-000001.pdf"))
            assert any(n.startswith("invoice") and n.endswith(".csv") for n in names)
    finally:
        services.privacy.discard(export)

    assert await services.erasure.erase_client(owner, order.client_id) >= 2
    async with w.uow() as uow:
        (job,) = (
            await uow.session.execute(select(JobRow).where(JobRow.kind == ERASE_OBJECTS_JOB))
        ).scalars()
    assert {f"org/{org_id}/invoices/2026-000001.pdf"} <= set(job.payload["keys"])
    async with w.uow() as uow:  # the invoice stays, its number with it: the series has no hole
        kept = await uow.invoices.for_order(org_id, order.id)
        row = (await uow.session.execute(select(InvoiceRow))).scalar_one()
    assert kept is not None and (kept.year, kept.seq) == (2026, 1)
    assert row.client_id is None and row.file_key is None and row.report_key is None
    assert row.total_minor == invoice.total_minor
