"""Invoices and the organization's invoice details in SQL (`core.invoices.ports`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.invoices.model import Invoice, InvoiceLine
from core.invoices.requisites import Requisites
from storage.runtime.repository import _insert
from storage.tables_invoices import InvoiceCounterRow, InvoiceRow, OrgRequisitesRow

_counter = InvoiceCounterRow.__table__
_invoice = InvoiceRow.__table__


def _to_invoice(row: InvoiceRow) -> Invoice:
    assert row.id is not None
    return Invoice(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        client_id=row.client_id,
        year=row.year,
        seq=row.seq,
        issued_at=row.issued_at,
        total_minor=row.total_minor,
        lines=tuple(InvoiceLine.from_json(d) for d in row.lines),
        file_key=row.file_key,
        report_key=row.report_key,
    )


class SqlInvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def next_seq(self, org_id: int, year: int) -> int:
        """One statement: INSERT ... ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last.
        On PostgreSQL the row stays locked until the transaction ends, so a second Done of the
        same organization waits and then reads the committed number; SQLite writers are
        serialized already (BEGIN IMMEDIATE)."""
        stmt = (
            _insert(self._s, _counter)
            .values(organization_id=org_id, year=year, last=1)
            .on_conflict_do_update(
                index_elements=["organization_id", "year"], set_={"last": _counter.c.last + 1}
            )
            .returning(_counter.c.last)
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def add(
        self,
        org_id: int,
        order_id: int,
        client_id: int | None,
        year: int,
        seq: int,
        lines: tuple[InvoiceLine, ...],
        now: datetime,
    ) -> Invoice:
        row = InvoiceRow(
            organization_id=org_id,
            order_id=order_id,
            client_id=client_id,
            year=year,
            seq=seq,
            issued_at=now,
            total_minor=sum(line.total_minor for line in lines),
            lines=[line.as_json() for line in lines],
        )
        self._s.add(row)
        await self._s.flush()
        return _to_invoice(row)

    async def _where(self, org_id: int, *conditions: object) -> list[Invoice]:
        stmt = (
            select(InvoiceRow)
            .where(InvoiceRow.organization_id == org_id, *conditions)
            .order_by(_invoice.c.year, _invoice.c.seq)
        )
        return [_to_invoice(r) for r in (await self._s.execute(stmt)).scalars()]

    async def for_order(self, org_id: int, order_id: int) -> Invoice | None:
        found = await self._where(org_id, _invoice.c.order_id == order_id)
        return found[0] if found else None

    async def get(self, org_id: int, invoice_id: int) -> Invoice | None:
        found = await self._where(org_id, _invoice.c.id == invoice_id)
        return found[0] if found else None

    async def of_client(self, org_id: int, client_id: int) -> list[Invoice]:
        return await self._where(org_id, _invoice.c.client_id == client_id)

    async def all(self, org_id: int) -> list[Invoice]:
        return await self._where(org_id)

    async def set_files(
        self, org_id: int, invoice_id: int, file_key: str | None, report_key: str | None
    ) -> None:
        values = {
            k: v for k, v in (("file_key", file_key), ("report_key", report_key)) if v is not None
        }
        if values:
            stmt = (
                update(_invoice)
                .where(_invoice.c.organization_id == org_id, _invoice.c.id == invoice_id)
                .values(**values)
            )
            await self._s.execute(stmt)

    async def requisites(self, org_id: int) -> Requisites:
        row = await self._s.get(OrgRequisitesRow, org_id)
        if row is None:
            return Requisites()
        return Requisites(
            legal_name=row.legal_name,
            inn=row.inn,
            kpp=row.kpp,
            address=row.address,
            bank_name=row.bank_name,
            bik=row.bik,
            account=row.account,
            corr_account=row.corr_account,
        )

    async def save_requisites(self, org_id: int, given: Requisites, now: datetime) -> None:
        values = {**asdict(given), "updated_at": now}
        stmt = _insert(self._s, OrgRequisitesRow.__table__).values(
            organization_id=org_id, **values
        )
        stmt = stmt.on_conflict_do_update(index_elements=["organization_id"], set_=values)
        await self._s.execute(stmt)
