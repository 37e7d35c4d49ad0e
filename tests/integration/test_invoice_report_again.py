"""The service report after the client's acceptance (issue 20, item 6), on both databases:
an acceptance that comes after the invoice job rendered the report queues the job again for
the report alone; it is rendered again with the acceptance and kept as a new object named on
the invoice (the old one deleted, so the export and the erasure find the one there is), the
invoice PDF is left as it was and nothing is sent to the client again. An acceptance before
the first rendering queues nothing more."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.checklists.model import AcceptanceMethod
from core.checklists.service import accept
from core.domain import Job
from core.invoices.issue import REPORT_AGAIN, SEND_JOB
from core.orders.rules import OrderAction
from handlers.i18n import Catalogs
from handlers.paperwork_jobs import invoice_jobs
from integrations.pdf import FpdfRenderer
from storage.tables import JobRow
from tests.integration.test_catalogue import _order
from tests.privacy_support import open_world


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


def _text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


async def _jobs(w, org_id: int) -> list[dict]:
    async with w.uow() as uow:
        rows = (await uow.session.execute(select(JobRow).where(JobRow.kind == SEND_JOB))).all()
    return [dict(r[0].payload) for r in rows if r[0].organization_id == org_id]


async def test_an_acceptance_after_the_report_renders_it_again_without_sending(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    services, org_id = w.services, owner.organization.id
    await services.orders.act(worker, order.id, OrderAction.DONE)
    async with w.uow() as uow:
        invoice = await uow.invoices.for_order(org_id, order.id)
    told: list[tuple[int, int]] = []

    async def tell(org: int, invoice_id: int) -> None:
        told.append((org, invoice_id))

    handler = invoice_jobs(services.invoices, Catalogs(), FpdfRenderer(), tell)[SEND_JOB]
    await handler(Job(1, SEND_JOB, {"invoice_id": invoice.id}, 0, org_id))
    assert told == [(org_id, invoice.id)]
    first_invoice = await services.invoices.pdf(org_id, invoice.id)
    before = _text(await services.invoices.pdf(org_id, invoice.id, report=True))
    assert "Пётр Сидоров" in before and "имя введено" not in before

    clock.advance(minutes=10)
    async with w.uow() as uow:
        done = await uow.orders.get(org_id, order.id)
        await accept(uow, clock, done, AcceptanceMethod.NAME, name="Пётр Сидоров")
        await uow.commit()
    again = {"invoice_id": invoice.id, REPORT_AGAIN: True}
    assert again in await _jobs(w, org_id)

    await handler(Job(2, SEND_JOB, again, 0, org_id))
    after = _text(await services.invoices.pdf(org_id, invoice.id, report=True))
    assert "принято на странице клиента, имя введено" in after
    assert await services.invoices.pdf(org_id, invoice.id) == first_invoice
    async with w.uow() as uow:
        kept = await uow.invoices.get(org_id, invoice.id)
    assert kept.report_key == f"org/{org_id}/invoices/2026-000001-report-accepted.pdf"
    assert not await w.objects.exists(f"org/{org_id}/invoices/2026-000001-report.pdf")
    await handler(Job(3, SEND_JOB, again, 1, org_id))  # a retry changes nothing
    assert await services.invoices.pdf(org_id, invoice.id, report=True) is not None
    assert told == [(org_id, invoice.id)], "the client is not sent the report again"


async def test_an_acceptance_before_the_first_rendering_queues_nothing_more(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    org_id = owner.organization.id
    await w.services.orders.act(worker, order.id, OrderAction.DONE)
    async with w.uow() as uow:
        done = await uow.orders.get(org_id, order.id)
        await accept(uow, clock, done, AcceptanceMethod.NAME, name="Пётр")
        await uow.commit()
    assert [REPORT_AGAIN in p for p in await _jobs(w, org_id)] == [False]
