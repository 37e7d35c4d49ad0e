"""Quotes' use cases (docs/quotes.md), each one unit of work: a manager prepares and sends a
quote; the client approves it with a start picked from real free slots (it becomes an order
with the quote's lines), declines it, or lets it expire; an unanswered quote gets one
reminder. Delivering the messages is the caller's (the client loop's) part."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.availability.free import busy_or_away
from core.catalogue.model import LineItem, NewLine
from core.changes import NewOrder, OrderUpdate
from core.client_loop.slots import (
    HORIZON,
    SETTING,
    VISIT,
    WorkingHours,
    busy_at,
    free_slots,
)
from core.domain import Actor, Order, OrderStatus, Organization
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.quotes.model import (
    Quote,
    QuoteStatus,
    check_lines,
    check_move,
    check_valid_until,
    reminder_due,
)
from core.quotes.ports import NewQuote

Q = QuoteStatus
CREATED_EVENT = "created"


@dataclass(frozen=True, slots=True)
class Approved:
    quote: Quote
    order: Order


def today_in(org: Organization, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


async def _org(uow: UnitOfWork, org_id: int) -> Organization:
    org = await uow.orgs.get(org_id)
    if org is None:
        raise DomainError("not_found")
    return org


async def _quote(uow: UnitOfWork, org_id: int, quote_id: int, client_id: int | None) -> Quote:
    """The quote; `client_id` given: only if it is that client's (else not found)."""
    quote = await uow.quotes.get(org_id, quote_id)
    if quote is None or (client_id is not None and quote.client_id != client_id):
        raise DomainError("not_found")
    return quote


@dataclass(frozen=True, slots=True)
class FreeStarts:
    starts: list[datetime]
    people: list[int]
    busy: dict[int, list[datetime]]

    def worker_at(self, start: datetime) -> int | None:
        """The first worker free at `start`, if it is one of the free starts."""
        if start not in self.starts:
            return None
        return next((p for p in self.people if not busy_at(start, self.busy.get(p, ()))), None)


async def free_starts(uow: UnitOfWork, org: Organization, now: datetime) -> FreeStarts:
    """Starts a new visit could take: free for some active worker (no order within a visit's
    length, not away, inside working hours) in the next days, earliest first."""
    hours = WorkingHours.of((await uow.org_settings.preferences(org.id)).get(SETTING))
    people = await uow.client_loop.active_workers(org.id)
    busy = await uow.client_loop.busy_times(org.id, people, now - VISIT, now + HORIZON + VISIT)
    busy = await busy_or_away(uow, org, hours, people, busy, now)
    return FreeStarts(free_slots(now, org.timezone, hours, people, busy), people, busy)


class QuoteService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self, actor: Actor, client_id: int, lines: Sequence[NewLine], valid_until: date
    ) -> Quote:
        """A draft quote for a client of the actor's organization (owners and managers)."""
        async with self._uow() as uow:
            quote = await self.create_in(uow, actor, client_id, lines, valid_until)
            await uow.commit()
            return quote

    async def create_in(
        self,
        uow: UnitOfWork,
        actor: Actor,
        client_id: int,
        lines: Sequence[NewLine],
        valid_until: date,
    ) -> Quote:
        """`create` in the caller's unit of work (the /quote conversation's last step)."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        org, now = actor.organization, self._clock.now()
        checked, total = check_lines(lines)
        check_valid_until(valid_until, today_in(org, now))
        if await uow.clients.get(org.id, client_id) is None:
            raise DomainError("not_found")
        for line in checked:
            if line.item_id is not None and await uow.catalogue.item(org.id, line.item_id) is None:
                raise DomainError("not_found")
        new = NewQuote(
            client_id=client_id, valid_until=valid_until, total_minor=total,
            created_by=actor.user.id,
        )  # fmt: skip
        return await uow.quotes.add(org.id, now, new, checked)

    async def view(self, actor: Actor, quote_id: int) -> tuple[Quote, tuple[LineItem, ...]]:
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            quote = await _quote(uow, actor.organization.id, quote_id, None)
            return quote, await uow.quotes.lines(quote.organization_id, quote.id)

    async def send(self, actor: Actor, quote_id: int) -> Quote:
        """Draft -> sent (the reminder is stamped by `remind` once due; its job is queued by
        the quote's delivery to the client, `handlers/quotes/delivery.py`)."""
        async with self._uow() as uow:
            sent = await self.send_in(uow, actor, quote_id)
            await uow.commit()
            return sent

    async def send_in(self, uow: UnitOfWork, actor: Actor, quote_id: int) -> Quote:
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        org, now = actor.organization, self._clock.now()
        quote = await _quote(uow, org.id, quote_id, None)
        check_move(quote, Q.SENT, today_in(org, now))
        sent = await uow.quotes.move(quote, Q.SENT, now)
        if sent is None:
            raise DomainError("quote_already", status=quote.status.value)
        return sent

    async def slots(self, org_id: int, client_id: int, quote_id: int) -> list[datetime]:
        """The starts the client may pick when approving (refused for an expired or answered
        quote)."""
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            quote = await _quote(uow, org_id, quote_id, client_id)
            check_move(quote, Q.APPROVED, today_in(org, now))
            return (await free_starts(uow, org, now)).starts

    async def approve(
        self, org_id: int, client_id: int, quote_id: int, start: datetime
    ) -> Approved:
        """The client's approval with the start they picked: in one unit of work the quote is
        approved and becomes an order at `start` with the quote's lines and total, assigned
        to a worker free then. A start no longer free is refused (`quote_slot_taken`; the
        caller offers fresh slots)."""
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            quote = await _quote(uow, org_id, quote_id, client_id)
            check_move(quote, Q.APPROVED, today_in(org, now))
            worker = (await free_starts(uow, org, now)).worker_at(start)
            if worker is None:
                raise DomainError("quote_slot_taken")
            lines = await uow.quotes.lines(org_id, quote.id)
            new = NewOrder(
                created_by=quote.created_by or 0,
                client_id=quote.client_id,
                scheduled_at=start,
                price_minor=quote.total_minor,
            )
            order = await uow.orders.add(org_id, now, new)
            for position, line in enumerate(lines):
                await uow.catalogue.add_line(
                    org_id, order.id, position, _as_new(line), quote.created_by, now
                )
            # The worker free then takes it, so the start is no longer offered to anyone else.
            update = OrderUpdate(
                line_count=len(lines), status=OrderStatus.ASSIGNED, assignee_id=worker
            )
            order = await uow.orders.change(order, now, update) or order
            data = {"status": order.status.value, "quote": quote.id, "by": "quote"}
            await uow.orders.add_event(order, None, CREATED_EVENT, data, now)
            approved = await uow.quotes.move(quote, Q.APPROVED, now, order_id=order.id)
            if approved is None:  # answered meanwhile in another unit of work
                raise DomainError("quote_already", status=quote.status.value)
            await uow.commit()
            return Approved(approved, order)

    async def decline(self, org_id: int, client_id: int, quote_id: int) -> Quote:
        return await self._answer(org_id, client_id, quote_id, Q.DECLINED)

    async def expire(self, org_id: int, quote_id: int) -> Quote | None:
        """Write the expiry of a quote past its day (None: not expired or already closed)."""
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            quote = await _quote(uow, org_id, quote_id, None)
            if quote.status is Q.EXPIRED or quote.status_on(today_in(org, now)) is not Q.EXPIRED:
                return None
            expired = await uow.quotes.move(quote, Q.EXPIRED, now)
            await uow.commit()
            return expired

    async def remind(self, org_id: int, quote_id: int) -> Quote | None:
        """The reminder job: stamp the one reminder of a quote still waiting (None: answered,
        expired or reminded already; nothing to send)."""
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            quote = await uow.quotes.get(org_id, quote_id)
            if quote is None or not reminder_due(quote, now, today_in(org, now)):
                return None
            reminded = await uow.quotes.move(quote, quote.status, now, reminded=True)
            await uow.commit()
            return reminded

    async def open_quotes(self, org_id: int) -> list[Quote]:
        """Sent quotes waiting for an answer and still valid (the digest's list)."""
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            today = today_in(org, now)
            return [q for q in await uow.quotes.open(org_id) if q.status_on(today) is Q.SENT]

    async def _answer(self, org_id: int, client_id: int, quote_id: int, to: QuoteStatus) -> Quote:
        now = self._clock.now()
        async with self._uow() as uow:
            org = await _org(uow, org_id)
            quote = await _quote(uow, org_id, quote_id, client_id)
            check_move(quote, to, today_in(org, now))
            answered = await uow.quotes.move(quote, to, now)
            if answered is None:
                raise DomainError("quote_already", status=quote.status.value)
            await uow.commit()
            return answered


def _as_new(line: LineItem) -> NewLine:
    return NewLine(
        name=line.name or "",
        quantity_milli=line.quantity_milli,
        unit_price_minor=line.unit_price_minor,
        unit=line.unit,
        discount_minor=line.discount_minor,
        vat_bp=line.vat_bp,
        item_id=line.item_id,
    )
