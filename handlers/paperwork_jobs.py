"""The job that renders an invoice and its service report after Done and keeps both PDFs in
the file storage (`invoice_send`, queued by `core.invoices.issue` in the Done's unit of work).
Written in the organization's language. Logs name ids only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from core.domain import Job
from core.invoices.document import DocumentRenderer
from core.invoices.issue import REPORT_AGAIN, SEND_JOB
from core.invoices.service import InvoiceService
from core.runtime.jobs import JobHandler
from handlers.i18n import Catalogs
from handlers.paperwork import invoice_document, report_document

log = logging.getLogger(__name__)


Tell = Callable[[int, int], Awaitable[None]]  # (org, invoice): the client's message


def invoice_jobs(
    invoices: InvoiceService, catalogs: Catalogs, renderer: DocumentRenderer,
    tell: Tell | None = None,
) -> dict[str, JobHandler]:  # fmt: skip
    """`tell`: sends the kept PDFs to the client (handlers/client_loop/invoice_news.py in a
    unit of work with the outbox, bot/jobs.py); once per invoice however often the job runs."""

    async def render(job: Job) -> None:
        org_id, invoice_id = job.organization_id, int(str(job.payload["invoice_id"]))
        work = None if org_id is None else await invoices.paperwork(org_id, invoice_id)
        if work is None:
            log.info("invoice %s: gone before it was rendered", invoice_id)
            return
        t = catalogs.get(work.language)
        report_doc = report_document(t, work.report)
        report_pdf = await asyncio.to_thread(renderer.render, report_doc)
        if job.payload.get(REPORT_AGAIN):  # accepted after the first rendering: not re-sent
            await invoices.keep_report(work.invoice.invoice, report_pdf)
            return
        invoice_doc = invoice_document(t, work.invoice)
        invoice_pdf = await asyncio.to_thread(renderer.render, invoice_doc)
        await invoices.keep(work.invoice.invoice, invoice_pdf, report_pdf)
        if tell is not None and org_id is not None:
            await tell(org_id, invoice_id)

    return {SEND_JOB: render}
