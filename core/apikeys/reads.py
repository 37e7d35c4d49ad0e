"""What the REST API reads beyond the use cases the bot has: clients a page at a time (by
id after a cursor, or a search by offset), with the times an integration syncs by. Every
read is scoped to the key's organization and checked against its scopes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.apikeys.model import (
    PAGE_MAX,
    ClientItem,
    OrderItem,
    OrderQuery,
    Paged,
    PaymentItem,
    Scope,
)
from core.apikeys.service import KeyCaller
from core.catalogue.model import LineItem
from core.clients.search import parse_query
from core.domain import MemberView, OrderEvent
from core.errors import DomainError
from core.ports import Clock, UowFactory


def _org(caller: KeyCaller) -> int:
    assert caller.actor.organization is not None
    return caller.actor.organization.id


class ApiReads:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def clients(
        self, caller: KeyCaller, text: str | None, after: int, limit: int
    ) -> Paged[ClientItem]:
        """Without `text`: clients by id after `after` (an id). With it: the search's matches
        by name, `after` being how many were already given."""
        caller.require(Scope.CLIENTS_READ)
        org_id, limit = _org(caller), max(1, min(limit, PAGE_MAX))
        async with self._uow() as uow:
            if text:
                query = parse_query(text)
                if query.empty:
                    raise DomainError("search_empty")
                ids = await uow.api_reads.search_ids(org_id, query, limit + 1, after)
                more = after + limit if len(ids) > limit else None
            else:
                ids = await uow.api_reads.client_ids_after(org_id, after, limit + 1)
                more = ids[limit - 1] if len(ids) > limit else None
            items = await uow.api_reads.clients(org_id, ids[:limit])
        return Paged(tuple(items), more)

    async def client(self, caller: KeyCaller, client_id: int) -> ClientItem:
        """A live client of the key's organization (a merged or erased one is not found)."""
        caller.require(Scope.CLIENTS_READ)
        async with self._uow() as uow:
            found = await uow.api_reads.clients(_org(caller), [client_id])
        if not found:
            raise DomainError("not_found")
        return found[0]

    async def check_refs(
        self, caller: KeyCaller, client_id: int | None, category_id: int | None
    ) -> None:
        """A new order's client and kind of work must be the key's organization's."""
        org_id = _org(caller)
        async with self._uow() as uow:
            if client_id is not None and not await uow.api_reads.clients(org_id, [client_id]):
                raise DomainError("not_found")
            kinds = {c.id for c in await uow.categories.listing(org_id)}
            if category_id is not None and category_id not in kinds:
                raise DomainError("not_found")

    async def members(self, caller: KeyCaller) -> Sequence[MemberView]:
        """The team, for assigning orders: any key that may read orders."""
        caller.require(Scope.ORDERS_READ)
        async with self._uow() as uow:
            return await uow.members.team(_org(caller))

    async def orders(
        self, caller: KeyCaller, query: OrderQuery, after: int, limit: int
    ) -> Paged[OrderItem]:
        caller.require(Scope.ORDERS_READ)
        org_id, limit = _org(caller), max(1, min(limit, PAGE_MAX))
        async with self._uow() as uow:
            found = await uow.api_reads.orders(org_id, query, after, limit + 1)
        more = found[limit - 1].order.id if len(found) > limit else None
        return Paged(tuple(found[:limit]), more)

    async def order(self, caller: KeyCaller, order_id: int) -> OrderDetail:
        """The order with its lines, payments (with `payments:read`) and history."""
        caller.require(Scope.ORDERS_READ)
        org_id = _org(caller)
        async with self._uow() as uow:
            item = await uow.api_reads.order(org_id, order_id)
            if item is None:
                raise DomainError("not_found")
            lines = (await uow.catalogue.lines(org_id, [order_id])).get(order_id, ())
            paid: list[PaymentItem] = []
            if caller.key.allows(Scope.PAYMENTS_READ):
                paid = await uow.api_reads.payments(org_id, order_id, 0, PAGE_MAX)
            events = await uow.orders.events(org_id, order_id)
        return OrderDetail(item, tuple(lines), tuple(paid), tuple(events))

    async def payments(
        self, caller: KeyCaller, order_id: int | None, after: int, limit: int
    ) -> Paged[PaymentItem]:
        caller.require(Scope.PAYMENTS_READ)
        org_id, limit = _org(caller), max(1, min(limit, PAGE_MAX))
        async with self._uow() as uow:
            found = await uow.api_reads.payments(org_id, order_id, after, limit + 1)
        more = found[limit - 1].id if len(found) > limit else None
        return Paged(tuple(found[:limit]), more)


@dataclass(frozen=True, slots=True)
class OrderDetail:
    item: OrderItem
    lines: tuple[LineItem, ...]
    payments: tuple[PaymentItem, ...]
    history: tuple[OrderEvent, ...]
