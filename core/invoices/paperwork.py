"""What an invoice and a service report show, gathered by the core for the handlers to word
(`handlers/paperwork.py`). The checklist and the acceptance are optional: a report shows them
when the order has them (docs/checklists.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.companies.model import Company
from core.invoices.model import Invoice, InvoiceLine
from core.invoices.requisites import Requisites


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    invoice: Invoice
    org_name: str
    requisites: Requisites
    client_name: str | None
    order_number: int
    address: str | None
    currency: str
    timezone: str
    paid_minor: int
    buyer: Company | None = None  # a business client's details, as the register has them


@dataclass(frozen=True, slots=True)
class ReportItem:
    """A checklist item as answered: `number` a decimal string with its `unit`, `photo` an
    item answered by a photo."""

    text: str
    done: bool
    required: bool = False
    number: str | None = None
    unit: str = ""
    photo: bool = False


@dataclass(frozen=True, slots=True)
class ReportAcceptance:
    method: str  # telegram, name, signature
    accepted_at: datetime
    name: str | None = None
    signature_png: bytes | None = None


@dataclass(frozen=True, slots=True)
class ReportFacts:
    org_name: str
    order_number: int
    client_name: str | None
    address: str | None
    description: str | None
    currency: str
    timezone: str
    scheduled_at: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    lines: tuple[InvoiceLine, ...]
    on_way_at: datetime | None = None
    invoice_number: str | None = None
    checklist: tuple[ReportItem, ...] | None = None
    acceptance: ReportAcceptance | None = None
    photos: tuple[bytes, ...] = ()
