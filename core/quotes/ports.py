"""What quotes need from storage; every method is scoped by organization."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from core.catalogue.model import LineItem, NewLine
from core.quotes.model import Quote, QuoteStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class NewQuote:
    client_id: int
    valid_until: date
    total_minor: int
    created_by: int | None


@dataclass(frozen=True, slots=True)
class QuotePage:
    """A quote page token as stored (its hash is the lookup key)."""

    organization_id: int
    client_id: int
    quote_id: int
    expires_at: datetime


class QuoteRepository(Protocol):
    async def add(
        self, org_id: int, now: datetime, new: NewQuote, lines: Sequence[NewLine]
    ) -> Quote:
        """A draft quote with its lines in this order."""
        ...

    async def get(self, org_id: int, quote_id: int) -> Quote | None: ...
    async def lines(self, org_id: int, quote_id: int) -> tuple[LineItem, ...]: ...

    async def move(
        self,
        quote: Quote,
        to: QuoteStatus,
        now: datetime,
        *,
        order_id: int | None = None,
        reminded: bool = False,
    ) -> Quote | None:
        """Write the new state if the quote is still in the state `quote` was read in (None:
        someone else moved it first). `reminded` only stamps the reminder."""
        ...

    async def open_in(self, org_ids: Sequence[int], since: date) -> dict[int, list[Quote]]:
        """Sent quotes valid on `since` or later of these organizations, by organization,
        each the soonest to expire first (the digests of many organizations at once)."""
        ...

    async def open(self, org_id: int, limit: int = 20) -> list[Quote]:
        """Sent quotes still waiting for an answer, the soonest to expire first."""
        ...

    async def add_page(self, page: QuotePage, token_hash: str, now: datetime) -> None: ...
    async def page_by_hash(self, token_hash: str) -> QuotePage | None: ...
