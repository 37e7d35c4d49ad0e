"""The job that renders an invoice and its service report after Done and keeps both PDFs in
the file storage (`invoice_send`, queued by `core.invoices.issue` in the Done's unit of work).
Written in the organization's language. Logs name ids only."""

from __future__ import annotations

import asyncio
import logging

from core.domain import Job
from core.invoices.document import DocumentRenderer
from core.invoices.issue import SEND_JOB
from core.invoices.service import InvoiceService
from core.runtime.jobs import JobHandler
from handlers.i18n import Catalogs
from handlers.paperwork import invoice_document, report_document

log = logging.getLogger(__name__)


def invoice_jobs(
    invoices: InvoiceService, catalogs: Catalogs, renderer: DocumentRenderer
) -> dict[str, JobHandler]:
    async def render(job: Job) -> None:
        org_id, invoice_id = job.organization_id, int(str(job.payload["invoice_id"]))
        work = None if org_id is None else await invoices.paperwork(org_id, invoice_id)
        if work is None:
            log.info("invoice %s: gone before it was rendered", invoice_id)
            return
        t = catalogs.get(work.language)
        invoice_doc = invoice_document(t, work.invoice)
        report_doc = report_document(t, work.report)
        invoice_pdf = await asyncio.to_thread(renderer.render, invoice_doc)
        report_pdf = await asyncio.to_thread(renderer.render, report_doc)
        await invoices.keep(work.invoice.invoice, invoice_pdf, report_pdf)

    return {SEND_JOB: render}
