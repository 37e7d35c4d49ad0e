"""What invoices need from storage; every method is scoped by organization."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.invoices.model import Invoice, InvoiceLine
from core.invoices.requisites import Requisites


class InvoiceRepository(Protocol):
    async def next_seq(self, org_id: int, year: int) -> int:
        """Raise the organization's counter of `year` by one and return it, in the caller's
        transaction (PostgreSQL: the counter row stays locked until it ends, so a concurrent
        Done waits; a rollback gives the number back)."""
        ...

    async def add(
        self,
        org_id: int,
        order_id: int,
        client_id: int | None,
        year: int,
        seq: int,
        lines: tuple[InvoiceLine, ...],
        now: datetime,
    ) -> Invoice: ...

    async def for_order(self, org_id: int, order_id: int) -> Invoice | None: ...
    async def get(self, org_id: int, invoice_id: int) -> Invoice | None: ...
    async def of_client(self, org_id: int, client_id: int) -> list[Invoice]: ...
    async def all(self, org_id: int) -> list[Invoice]:
        """Every invoice of the organization by number (the data export)."""
        ...

    async def set_files(
        self, org_id: int, invoice_id: int, file_key: str | None, report_key: str | None
    ) -> None:
        """Where the rendered PDFs are kept (a None leaves that one as it is)."""
        ...

    async def requisites(self, org_id: int) -> Requisites: ...
    async def save_requisites(self, org_id: int, given: Requisites, now: datetime) -> None: ...
