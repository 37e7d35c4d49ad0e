"""`GET /c/<token>/invoice.pdf` and `/c/<token>/report.pdf`: the order's invoice and service
report (issue 20, item 6) for the holder of a client page token of that order, while the
organization sends invoices (core/client_loop/invoice_news.py); anything else, including a
token the page refuses, is a plain 404. `invoice_section` is the page's block with both."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.admin.context import admin_context
from bot.admin.html import Safe, SafeText, join, tag
from core.client_loop.invoice_news import pdf_names
from core.companies.model import Company
from core.invoices.model import Invoice

router = APIRouter(include_in_schema=False)


@router.get("/c/{token}/{which}.pdf")
async def client_invoice(request: Request, token: str, which: str) -> Response:
    services = admin_context(request).container.services
    invoice = await services.client_loop.page_invoice(token)
    if invoice is None or which not in ("invoice", "report"):
        return PlainTextResponse("not found", status_code=404)
    report = which == "report"
    data = await services.invoices.pdf(invoice.organization_id, invoice.id, report=report)
    if data is None:
        return PlainTextResponse("not found", status_code=404)
    name = pdf_names(invoice)[1 if report else 0]
    headers = {
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    return Response(data, media_type="application/pdf", headers=headers)


def invoice_section(
    t: SafeText, path: str, invoice: Invoice, buyer: Company | None = None
) -> Safe:
    """Links to the invoice and the service report on the client page; a company client
    sees whom the invoice bills (its name, INN/KPP, legal address)."""
    links = [
        tag("li", tag("a", t("Invoice №{number} (PDF)", number=invoice.number),
                      href=f"{path}/invoice.pdf", data_testid="invoice-pdf")),
        tag("li", tag("a", t("Service report (PDF)"), href=f"{path}/report.pdf",
                      data_testid="report-pdf")),
    ]  # fmt: skip
    parts = [tag("h2", t("Invoice and service report")), tag("ul", join(links))]
    if buyer is not None:
        numbers = buyer.inn + (f" / {buyer.kpp}" if buyer.kpp else "")
        lines = [t("Buyer: {name}", name=buyer.name), t("INN/KPP: {numbers}", numbers=numbers)]
        if buyer.address:
            lines.append(t("Legal address: {address}", address=buyer.address))
        buyer_lines = join([tag("p", line) for line in lines])
        parts.append(tag("div", buyer_lines, data_testid="invoice-buyer"))
    body = join(parts)
    return tag("section", body, data_testid="invoice")
