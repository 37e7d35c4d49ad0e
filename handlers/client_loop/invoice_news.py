"""The invoice and the service report for the client after the `invoice_send` job kept them
(core/client_loop/invoice_news.py): in Telegram one album of two PDF documents through the
outbox (the invoice captioned with the message, then the report), logged as one client
message marked sent when the album goes; by SMS or e-mail a job (the e-mail attaches both
PDFs, the SMS links the order's page, which offers them)."""

from __future__ import annotations

from core.client_loop.invoice_news import pdf_names
from core.client_loop.templates import render
from core.runtime.outbox import After
from core.services import Services
from handlers.client_loop.confirm import CAPTION_MAX
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import money
from handlers.i18n import N_, Catalogs, escape

REPORT = N_("Service report, order №{number}")


async def queue_invoice(
    services: Services, catalogs: Catalogs, outgoing: Outgoing, org_id: int, invoice_id: int
) -> None:
    """In the caller's unit of work: the client's invoice message, if they hear it and it
    was not sent before; Telegram deliveries collected in `outgoing`."""
    loop = services.client_loop
    found = await loop.invoice_draft(org_id, invoice_id, catalogs.default)
    if found is None:
        return
    draft, invoice = found.draft, found.invoice
    t = catalogs.get(draft.language)
    amount = money(t, found.due_minor, draft.view.currency) if found.due_minor else None
    if not draft.telegram:
        await loop.queue_invoice_elsewhere(found, amount or "")
        return
    text = render(draft.kind, draft.template, {**draft.values, "amount": amount})
    logged = await loop.queue(draft, text)
    args: dict[str, int | str] = {"org": org_id, "message": logged.id}
    names = pdf_names(invoice)
    caption = escape(text)
    if len(caption) > CAPTION_MAX:  # an organization's long template: its first line
        caption = escape(text.split("\n", 1)[0])[:CAPTION_MAX]
    report = t(REPORT, number=draft.view.number)
    files = [(False, names[0], caption), (True, names[1], report)]
    outgoing.invoice_pdfs(draft.chat_id, (org_id, invoice.id), files, After.CLIENT_MESSAGE, args)
