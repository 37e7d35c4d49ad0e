"""The invoice and the service report for the client (issue 20, item 6), after the
`invoice_send` job has kept both PDFs: by the client's channel, like any other client
message (the link, the consent, /stop and STOP, the organization's choice of kinds and
channels: `ClientOrderMessages.kind_message` decides it; `MessageKind.INVOICE`, on unless the
organization turns it off). Telegram: two documents through the outbox, read from the file
storage when sent; e-mail: the text with both PDFs attached; SMS: the text with a link to the
order's page, which offers both PDFs to the holder of that page token.

Once per invoice: the job asks `invoice_draft`, which answers None when the message log
already has the invoice's message (written in the same transaction as its outbox rows or its
SMS/e-mail job, whose deduplication key is `client:invoice:<id>:<channel>`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from core.channels.email import Attachment
from core.client_loop.confirm import ClientDraft, ClientOrderMessages
from core.client_loop.model import DeliveryStatus, Direction, MessageKind
from core.client_loop.outgoing import enqueue_first, job_payload
from core.client_loop.page import page_access
from core.client_loop.tokens import hash_token, new_page_token
from core.companies.model import Company
from core.errors import DomainError
from core.invoices.model import Invoice
from core.ports import UnitOfWork

KIND = MessageKind.INVOICE
LINK_DAYS = 30  # how long the page link in an invoice SMS or e-mail opens the PDFs
PDF_NAMES = ("invoice-{number}.pdf", "report-{number}.pdf")


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    draft: ClientDraft
    invoice: Invoice
    due_minor: int  # what is left to pay after the order's payments


def pdf_names(invoice: Invoice) -> tuple[str, str]:
    return PDF_NAMES[0].format(number=invoice.number), PDF_NAMES[1].format(number=invoice.number)


async def already_told(uow: UnitOfWork, org_id: int, order_id: int) -> bool:
    """Whether the order's invoice message was logged (queued or sent) once already."""
    return any(
        m.kind is KIND and m.direction is Direction.OUT and m.status is not DeliveryStatus.FAILED
        for m in await uow.client_loop.order_messages(org_id, order_id)
    )


async def invoice_mail(uow: UnitOfWork, org_id: int, payload: Mapping[str, Any]) -> list[str]:
    """The stored keys of the PDFs an invoice e-mail attaches (invoice first, then report)."""
    invoice_id = payload.get("invoice")
    if invoice_id is None:
        return []
    invoice = await uow.invoices.get(org_id, int(invoice_id))
    if invoice is None:
        return []
    return [k for k in (invoice.file_key, invoice.report_key) if k is not None]


def pdf_attachment(key: str, data: bytes) -> Attachment:
    return Attachment(key.rsplit("/", 1)[1], "application/pdf", data)


class ClientInvoices(ClientOrderMessages):
    async def invoice_draft(
        self, org_id: int, invoice_id: int, default_language: str
    ) -> InvoiceDraft | None:
        """The client's message with the invoice, or None: the invoice, its PDFs, the order
        or its client is gone, the message was sent before, or the client does not hear it."""
        async with self._uow() as uow:
            invoice = await uow.invoices.get(org_id, invoice_id)
            order = await uow.orders.get(org_id, invoice.order_id) if invoice else None
            if invoice is None or order is None or order.client_id is None:
                return None
            if invoice.file_key is None or await already_told(uow, org_id, order.id):
                return None
        # An order done without a time still has its invoice (the time is not in the text).
        timed = order if order.scheduled_at else replace(order, scheduled_at=order.created_at)
        draft = await self.kind_message(timed, KIND, default_language)
        if draft is None:
            return None
        values = {**draft.values, "invoice_number": invoice.number}
        return InvoiceDraft(
            replace(draft, values=values), invoice, invoice.balance(order.paid_minor)
        )

    async def queue_invoice_elsewhere(self, found: InvoiceDraft, amount: str) -> bool:
        """SMS or e-mail: logged and queued as a job on the first channel that takes it, with
        a new page token of the order (the page offers both PDFs) and the invoice's id (an
        e-mail attaches them); False: no channel took it."""
        draft, invoice = found.draft, found.invoice
        payload = job_payload(draft, amount)
        payload.update(dedup=f"invoice:{invoice.id}", invitation=None, invoice=invoice.id)
        payload["values"]["amount"] = amount
        async with self._uow() as uow:
            now = self._clock.now()
            if self._pages is not None:
                token = new_page_token()
                expires = now + timedelta(days=LINK_DAYS)
                await uow.client_loop.add_page(
                    draft.organization_id, draft.client_id, draft.order_id, hash_token(token),
                    expires, now,
                )  # fmt: skip
                payload["values"]["page_link"] = self._pages + token
            org = await uow.orgs.get(draft.organization_id)
            settings = await uow.client_loop.settings(draft.organization_id)
            zone = org.timezone if org is not None else "UTC"
            taken = await enqueue_first(
                uow, self._clock, payload, draft.channels, zone, settings.quiet_hours
            )
            await uow.commit()
        return taken is not None

    async def page_invoice(self, token: str) -> Invoice | None:
        """The invoice a client page offers: the order's, with its PDFs kept, while the
        organization sends invoices; None for a token the page refuses."""
        papers = await self.page_papers(token, buyer=False)
        return papers[0] if papers is not None else None

    async def page_papers(
        self, token: str, buyer: bool = True
    ) -> tuple[Invoice, Company | None] | None:
        """`page_invoice`, and the company the invoice bills when the client is one (read
        only when there is an invoice to show; docs/dadata-party.md)."""
        async with self._uow() as uow:
            try:
                access = await page_access(uow, token, self._clock.now())
            except DomainError:
                return None
            settings = await uow.client_loop.settings(access.org.id)
            if not settings.sends(KIND):
                return None
            invoice = await uow.invoices.for_order(access.org.id, access.order.id)
            if invoice is None or invoice.file_key is None or invoice.report_key is None:
                return None
            client = await uow.clients.get(access.org.id, access.page.client_id) if buyer else None
        return invoice, client.company if client is not None else None
