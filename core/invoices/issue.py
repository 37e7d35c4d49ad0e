"""Issuing the invoice of an order marked done, in the Done's own unit of work."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.catalogue.model import LineItem
from core.domain import Order, OrderStatus
from core.invoices.model import Invoice, billed_lines
from core.ports import UnitOfWork

SEND_JOB = "invoice_send"  # renders the PDFs, stores them, sends them to the client
REPORT_AGAIN = "report_only"  # the payload's flag: the report again, nothing sent


async def issue_on_done(
    uow: UnitOfWork, now: datetime, timezone: str, before: Order, after: Order
) -> Invoice | None:
    """The order's invoice when this change made it done and it has something to bill (lines
    or a price); numbered from the organization's counter of the year in its zone. Done is
    reached once (from in progress only), and the invoice is unique per order."""
    if after.status is not OrderStatus.DONE or before.status is OrderStatus.DONE:
        return None
    org_id = after.organization_id
    rows: tuple[LineItem, ...] = ()
    if after.line_count:  # an order of one price as agreed reads no rows
        rows = (await uow.catalogue.lines(org_id, [after.id])).get(after.id, ())
    lines = billed_lines(after.price_minor, rows)
    if not lines:
        return None
    year = now.astimezone(ZoneInfo(timezone)).year
    seq = await uow.invoices.next_seq(org_id, year)
    invoice = await uow.invoices.add(org_id, after.id, after.client_id, year, seq, lines, now)
    await uow.jobs.enqueue(
        SEND_JOB, {"invoice_id": invoice.id}, now, org_id=org_id, dedup_key=f"invoice:{invoice.id}"
    )
    return invoice


async def report_again(uow: UnitOfWork, now: datetime, order: Order) -> None:
    """The client accepted `order` after its service report was rendered: the job renders the
    report again with the acceptance (kept in place of the old one) and sends nothing. Before
    the first rendering nothing is needed: the job reads the acceptance then."""
    invoice = await uow.invoices.for_order(order.organization_id, order.id)
    if invoice is None or invoice.report_key is None:
        return
    payload = {"invoice_id": invoice.id, REPORT_AGAIN: True}
    key = f"invoice-report:{invoice.id}"
    await uow.jobs.enqueue(SEND_JOB, payload, now, org_id=order.organization_id, dedup_key=key)
