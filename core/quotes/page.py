"""The client page of a quote, `/q/<token>` (docs/quotes.md): the lines, the total, the day
it is valid until and its state, Approve with a free start, Decline. The token is random,
stored as its hash (`core.client_loop.tokens`, as the order page's), issued when the quote
goes by SMS or e-mail, and opens until three days after the quote's last valid day; an
unknown token is `client_page_unknown`, an expired one `client_page_expired`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.catalogue.model import LineItem
from core.client_loop.tokens import hash_token, looks_like_page, new_page_token
from core.domain import Order
from core.errors import DomainError
from core.ports import Clock, UnitOfWork, UowFactory
from core.quotes.answers import QuoteAnswers, Told
from core.quotes.model import Quote, QuoteStatus
from core.quotes.ports import QuotePage
from core.quotes.service import QuoteService, today_in

PAGE_GRACE = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class QuotePageView:
    quote: Quote
    status: QuoteStatus  # as of the organization's today (a day past: expired)
    lines: tuple[LineItem, ...]
    org_name: str
    currency: str
    timezone: str
    language: str | None
    order: Order | None  # the order an approved quote became


async def issue_page(uow: UnitOfWork, quote: Quote, zone: str, now: datetime) -> str:
    """A new page token for the quote (the caller commits)."""
    last = datetime.combine(quote.valid_until + timedelta(days=1), time(), ZoneInfo(zone))
    expires = last.astimezone(UTC) + PAGE_GRACE
    page = QuotePage(quote.organization_id, quote.client_id, quote.id, expires)
    token = new_page_token()
    await uow.quotes.add_page(page, hash_token(token), now)
    return token


class QuotePages:
    def __init__(
        self, uow: UowFactory, clock: Clock, quotes: QuoteService, answers: QuoteAnswers
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._quotes = quotes
        self._answers = answers

    async def _page(self, uow: UnitOfWork, token: str) -> QuotePage:
        page = await uow.quotes.page_by_hash(hash_token(token)) if looks_like_page(token) else None
        if page is None:
            raise DomainError("client_page_unknown")
        if page.expires_at <= self._clock.now():
            raise DomainError("client_page_expired")
        return page

    async def open(self, token: str) -> QuotePageView:
        async with self._uow() as uow:
            page = await self._page(uow, token)
            org = await uow.orgs.get(page.organization_id)
            quote = await uow.quotes.get(page.organization_id, page.quote_id)
            if org is None or quote is None or quote.client_id != page.client_id:
                raise DomainError("client_page_unknown")
            lines = await uow.quotes.lines(org.id, quote.id)
            order = await uow.orders.get(org.id, quote.order_id) if quote.order_id else None
        status = quote.status_on(today_in(org, self._clock.now()))
        return QuotePageView(
            quote, status, lines, org.name, org.currency, org.timezone, org.language, order
        )

    async def slots(self, token: str) -> list[datetime]:
        """The free starts to approve with (none for a quote that cannot be approved now)."""
        async with self._uow() as uow:
            page = await self._page(uow, token)
        try:
            return await self._quotes.slots(page.organization_id, page.client_id, page.quote_id)
        except DomainError:
            return []

    async def approve(self, token: str, start: datetime) -> Told:
        async with self._uow() as uow:
            page = await self._page(uow, token)
        org_id, client_id = page.organization_id, page.client_id
        approved = await self._quotes.approve(org_id, client_id, page.quote_id, start)
        return await self._answers.told(approved.quote, approved.order)

    async def decline(self, token: str) -> Told:
        async with self._uow() as uow:
            page = await self._page(uow, token)
        org_id, client_id = page.organization_id, page.client_id
        declined = await self._quotes.decline(org_id, client_id, page.quote_id)
        return await self._answers.told(declined, None)
