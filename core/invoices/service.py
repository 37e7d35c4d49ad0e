"""Invoices as use cases: the organization's invoice details (owners), what an invoice and a
service report show (for the job that renders them), where their PDFs are kept, a client's
invoices with what is left to pay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain import Actor
from core.invoices.model import Invoice
from core.invoices.paperwork import InvoiceFacts, ReportAcceptance, ReportFacts, ReportItem
from core.invoices.requisites import Requisites, check_requisites
from core.permissions import Action, require
from core.ports import Clock, FileStore, UnitOfWork, UowFactory

PHOTO_LIMIT = 12  # thumbnails in a report


@dataclass(frozen=True, slots=True)
class Paperwork:
    language: str
    invoice: InvoiceFacts
    report: ReportFacts


def invoice_key(invoice: Invoice) -> str:
    return f"org/{invoice.organization_id}/invoices/{invoice.number}.pdf"


def report_key(invoice: Invoice) -> str:
    return f"org/{invoice.organization_id}/invoices/{invoice.number}-report.pdf"


def accepted_report_key(invoice: Invoice) -> str:
    """The report rendered again with the client's acceptance (an order is accepted once)."""
    return f"org/{invoice.organization_id}/invoices/{invoice.number}-report-accepted.pdf"


def _at(data: dict[str, object], fallback: datetime) -> datetime:
    given = data.get("at")  # the worker's own time (docs/work-times.md)
    return datetime.fromisoformat(given) if isinstance(given, str) else fallback


class InvoiceService:
    def __init__(self, uow: UowFactory, clock: Clock, store: FileStore) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store

    async def requisites(self, actor: Actor) -> Requisites:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.invoices.requisites(actor.organization.id)

    async def save_requisites(self, actor: Actor, given: Requisites) -> Requisites:
        """Checked first: a wrong field is refused by name and nothing is kept."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        clean = check_requisites(given)
        async with self._uow() as uow:
            await uow.invoices.save_requisites(actor.organization.id, clean, self._clock.now())
            await uow.commit()
        return clean

    async def of_client(self, actor: Actor, client_id: int) -> list[tuple[Invoice, int]]:
        """The client's invoices, each with what is left to pay (the order's payments)."""
        require(actor, Action.ORDER_VIEW_ALL)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            found = []
            for invoice in await uow.invoices.of_client(org_id, client_id):
                order = await uow.orders.get(org_id, invoice.order_id)
                found.append((invoice, invoice.balance(order.paid_minor if order else 0)))
            return found

    async def paperwork(self, org_id: int, invoice_id: int) -> Paperwork | None:
        """What the invoice and the report show (None: the invoice or order is gone)."""
        async with self._uow() as uow:
            invoice = await uow.invoices.get(org_id, invoice_id)
            org = await uow.orgs.get(org_id)
            order = await uow.orders.get(org_id, invoice.order_id) if invoice else None
            if invoice is None or org is None or order is None:
                return None
            client = await uow.clients.get(org_id, order.client_id) if order.client_id else None
            name = client.name if client else None
            facts = InvoiceFacts(
                invoice, org.name, await uow.invoices.requisites(org_id), name, order.number,
                order.address, org.currency, org.timezone, order.paid_minor,
                client.company if client else None,
            )  # fmt: skip
            times: dict[str, datetime] = {}
            for event in await uow.orders.events(org_id, order.id):
                if event.kind in ("start", "done"):
                    times[event.kind] = _at(event.data, event.created_at)
            trip = await uow.client_loop.trip(org_id, order.id)
            photos = await self._photos(uow, org_id, order.id)
            checklist, acceptance = await self._checklist(uow, org_id, order.id)
        report = ReportFacts(
            org_name=org.name,
            order_number=order.number,
            client_name=name,
            address=order.address,
            description=order.description,
            currency=org.currency,
            timezone=org.timezone,
            scheduled_at=order.scheduled_at,
            started_at=times.get("start"),
            done_at=times.get("done"),
            lines=invoice.lines,
            on_way_at=trip.created_at if trip is not None else None,
            invoice_number=invoice.number,
            photos=photos,
            checklist=checklist,
            acceptance=acceptance,
        )
        return Paperwork(org.language, facts, report)

    async def _photos(self, uow: UnitOfWork, org_id: int, order_id: int) -> tuple[bytes, ...]:
        files = [f for f in await uow.attachments.for_order(org_id, order_id) if f.kind == "photo"]
        found = []
        for file in files[:PHOTO_LIMIT]:
            if file.stored:  # still uploading: left out rather than waited for
                found.append(await self._store.get(file.storage_key))
        return tuple(found)

    async def _checklist(
        self, uow: UnitOfWork, org_id: int, order_id: int
    ) -> tuple[tuple[ReportItem, ...] | None, ReportAcceptance | None]:
        """The checklist with its answers and the acceptance (docs/checklists.md), when the
        order has them."""
        work = await uow.checklists.paperwork(org_id, order_id)
        items = tuple(
            ReportItem(
                text=item.text,
                done=item.done_at is not None,
                required=item.required,
                number=item.number,
                unit=item.unit or "",
                photo=item.attachment_id is not None,
            )
            for item in work.checklist.items
        )
        accepted = work.acceptance
        if accepted is None:
            return items or None, None
        signature = None
        if accepted.signature_key is not None:
            signature = await self._store.get(accepted.signature_key)
        acceptance = ReportAcceptance(
            accepted.method.value, accepted.accepted_at, accepted.name, signature
        )
        return items or None, acceptance

    async def keep(self, invoice: Invoice, invoice_pdf: bytes, report_pdf: bytes) -> None:
        """Both PDFs in the product's file storage, their keys on the invoice."""
        await self._store.put(invoice_key(invoice), invoice_pdf, "application/pdf")
        await self._store.put(report_key(invoice), report_pdf, "application/pdf")
        async with self._uow() as uow:
            await uow.invoices.set_files(
                invoice.organization_id, invoice.id, invoice_key(invoice), report_key(invoice)
            )
            await uow.commit()

    async def keep_report(self, invoice: Invoice, report_pdf: bytes) -> None:
        """The report rendered again after the client's acceptance: a new object (stored
        objects are written once), its key on the invoice, then the old one deleted so the
        export and an erasure find the one the invoice names. Repeatable."""
        key = accepted_report_key(invoice)
        await self._store.put(key, report_pdf, "application/pdf")
        async with self._uow() as uow:
            await uow.invoices.set_files(invoice.organization_id, invoice.id, None, key)
            await uow.commit()
        if invoice.report_key is not None and invoice.report_key != key:
            await self._store.delete(invoice.report_key)

    async def stored(self, key: str) -> bytes:
        """A kept PDF by its key (an invoice e-mail's attachment)."""
        return await self._store.get(key)

    async def pdf(self, org_id: int, invoice_id: int, report: bool = False) -> bytes | None:
        async with self._uow() as uow:
            invoice = await uow.invoices.get(org_id, invoice_id)
        key = None if invoice is None else (invoice.report_key if report else invoice.file_key)
        return None if key is None else await self._store.get(key)
