"""Quotes in SQL (`core.quotes.ports`); a quote's lines are `line_item` rows naming it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.model import LineItem, NewLine
from core.quotes.model import Quote, QuoteStatus
from core.quotes.ports import NewQuote, QuotePage
from storage.catalogue import to_line
from storage.tables_catalogue import LineItemRow
from storage.tables_quotes import QuotePageTokenRow, QuoteRow

_quote = QuoteRow.__table__
_line = LineItemRow.__table__


def _to_quote(row: QuoteRow) -> Quote:
    assert row.id is not None
    return Quote(
        id=row.id,
        organization_id=row.organization_id,
        client_id=row.client_id,
        status=QuoteStatus(row.status),
        valid_until=row.valid_until,
        total_minor=row.total_minor,
        line_count=row.line_count,
        created_by=row.created_by,
        order_id=row.order_id,
        sent_at=row.sent_at,
        answered_at=row.answered_at,
        reminded_at=row.reminded_at,
        created_at=row.created_at,
    )


class SqlQuoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self, org_id: int, now: datetime, new: NewQuote, lines: Sequence[NewLine]
    ) -> Quote:
        row = QuoteRow(
            organization_id=org_id,
            client_id=new.client_id,
            status=QuoteStatus.DRAFT.value,
            valid_until=new.valid_until,
            total_minor=new.total_minor,
            line_count=len(lines),
            created_by=new.created_by,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        for position, line in enumerate(lines):
            self._s.add(
                LineItemRow(
                    organization_id=org_id,
                    quote_id=row.id,
                    position=position,
                    item_id=line.item_id,
                    name=line.name,
                    unit=line.unit,
                    quantity_milli=line.quantity_milli,
                    unit_price_minor=line.unit_price_minor,
                    discount_minor=line.discount_minor,
                    vat_bp=line.vat_bp,
                    created_by=new.created_by,
                    created_at=now,
                )
            )
        await self._s.flush()
        return _to_quote(row)

    async def get(self, org_id: int, quote_id: int) -> Quote | None:
        stmt = select(QuoteRow).where(QuoteRow.organization_id == org_id, QuoteRow.id == quote_id)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _to_quote(row) if row else None

    async def lines(self, org_id: int, quote_id: int) -> tuple[LineItem, ...]:
        stmt = (
            select(LineItemRow)
            .where(LineItemRow.organization_id == org_id, _line.c.quote_id == quote_id)
            .order_by(LineItemRow.position, LineItemRow.id)
        )
        return tuple(to_line(r) for r in (await self._s.execute(stmt)).scalars())

    async def move(
        self,
        quote: Quote,
        to: QuoteStatus,
        now: datetime,
        *,
        order_id: int | None = None,
        reminded: bool = False,
    ) -> Quote | None:
        values: dict[str, object] = {"updated_at": now}
        if reminded:
            values["reminded_at"] = now
        else:
            values["status"] = to.value
            if to is QuoteStatus.SENT:
                values["sent_at"] = now
            elif to is not QuoteStatus.EXPIRED:
                values["answered_at"] = now
            if order_id is not None:
                values["order_id"] = order_id
        stmt = (
            update(QuoteRow)
            .where(
                QuoteRow.organization_id == quote.organization_id,
                QuoteRow.id == quote.id,
                QuoteRow.status == quote.status.value,
            )
            .values(**values)
            .returning(QuoteRow)
            .execution_options(synchronize_session=False)
        )
        if reminded:
            stmt = stmt.where(_quote.c.reminded_at.is_(None))
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _to_quote(row) if row else None

    async def open_in(self, org_ids: Sequence[int], since: date) -> dict[int, list[Quote]]:
        if not org_ids:
            return {}
        stmt = (
            select(QuoteRow)
            .where(
                _quote.c.organization_id.in_(org_ids),
                QuoteRow.status == QuoteStatus.SENT.value,
                QuoteRow.valid_until >= since,
            )
            .order_by(QuoteRow.valid_until, QuoteRow.id)
        )
        found: dict[int, list[Quote]] = {}
        for row in (await self._s.execute(stmt)).scalars():
            found.setdefault(row.organization_id, []).append(_to_quote(row))
        return found

    async def open(self, org_id: int, limit: int = 20) -> list[Quote]:
        stmt = (
            select(QuoteRow)
            .where(
                QuoteRow.organization_id == org_id,
                QuoteRow.status == QuoteStatus.SENT.value,
            )
            .order_by(QuoteRow.valid_until, QuoteRow.id)
            .limit(limit)
        )
        return [_to_quote(r) for r in (await self._s.execute(stmt)).scalars()]

    async def add_page(self, page: QuotePage, token_hash: str, now: datetime) -> None:
        self._s.add(
            QuotePageTokenRow(
                organization_id=page.organization_id, client_id=page.client_id,
                quote_id=page.quote_id, token_hash=token_hash, expires_at=page.expires_at,
                created_at=now,
            )
        )  # fmt: skip
        await self._s.flush()

    async def page_by_hash(self, token_hash: str) -> QuotePage | None:
        stmt = select(QuotePageTokenRow).where(QuotePageTokenRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return QuotePage(row.organization_id, row.client_id, row.quote_id, row.expires_at)
