"""/neworder as a flow: client (found or new, duplicate-safe), address, category, time,
price, description, confirmation (create, or create and assign to a worker in one tap).
Lookups happen in `enrich`, between steps; the steps are in core/orders/new_order_flow.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from core.changes import ClientChange
from core.clients.search import parse_query
from core.dialogs.data import Candidate, ClientAnswer, NewOrderData, Ref, Suggestion, Worker
from core.dialogs.engine import required
from core.dialogs.service import Spec
from core.domain import Actor, Client
from core.errors import DomainError
from core.orders.changes import booked
from core.orders.new_order_flow import ASSIGN, EDITABLE, NEW_ORDER, NEW_ORDER_FLOW, chosen_client
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft, OrderService
from core.orders.steps import (
    category_of,
    moment_of,
    place_of,
)
from core.orders.when_steps import settle_year
from core.outcomes import Cancelled, OrderCreated, Outcome
from core.permissions import Action, allowed, require
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.phones import looks_like_phone
from core.ports import AddressSuggesters, Clock, PhoneNormalizer, UnitOfWork
from core.text import clean_name

CANDIDATES = 6


class NewOrderSpec(Spec[NewOrderData]):
    """Runs the /neworder flow; lookups (clients, categories, addresses) happen in `enrich`."""

    flow = NEW_ORDER_FLOW

    def __init__(
        self,
        clock: Clock,
        orders: OrderService,
        phones: PhoneNormalizer,
        addresses: AddressSuggesters | None = None,
    ) -> None:
        self._clock = clock
        self._orders = orders
        self._phones = phones
        self._addresses = addresses

    def _phone(self, actor: Actor, text: str) -> str | None:
        """E.164, or None for text that is no phone number; a number missing digits is
        refused, so that it is never taken for a client's name."""
        assert actor.organization is not None
        phone = self._phones.normalize(text, actor.organization.country)
        if phone is None and looks_like_phone(text):
            raise DomainError("phone_incomplete", example=PHONE_EXAMPLE)
        return phone

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: NewOrderData) -> NewOrderData:
        require(actor, Action.ORDER_CREATE)
        assert actor.organization is not None
        org = actor.organization
        found = data
        if found.today is None:
            now = self._clock.now()
            local = now.astimezone(ZoneInfo(org.timezone)).replace(tzinfo=None)
            listed = await uow.categories.listing(org.id)
            found = replace(
                found,
                today=local.date(),
                now_local=local,
                categories=tuple(Ref(c.id, c.name) for c in listed),
                may_assign=bool(await self._workers(uow, actor, None)),
            )
        if found.client is not None and not found.resolved:
            found = await self._resolve(uow, actor, found, found.client)
        if found.client_phone and not found.phone_ok:
            phone = self._phone(actor, found.client_phone)
            if phone is None:
                raise DomainError("phone_invalid", example=PHONE_EXAMPLE)
            found = replace(found, new_phone=phone, phone_ok=True)
        found = settle_year(_reopen(found))
        found = await self._duplicates(uow, actor, found)
        found = await self._chosen(uow, actor, found)
        found = await self._suggest(uow, actor, found)
        if found.confirm == ASSIGN and found.assignee is None:
            moment = _draft(found, 0, actor).scheduled_at
            workers = await self._workers(uow, actor, moment)
            if not workers:
                raise DomainError("no_workers")
            found = replace(found, workers=workers)
        return found

    async def _workers(
        self, uow: UnitOfWork, actor: Actor, moment: datetime | None
    ) -> tuple[Worker, ...]:
        """Each worker to assign to, with their orders that day; none for a role that does
        not assign."""
        if not allowed(actor.role, Action.ORDER_ASSIGN):
            return ()
        loads = await self._orders.loads(uow, actor, moment)
        return tuple(Worker(w.user.id, w.user.display_name, w.orders_today) for w in loads)

    async def _resolve(
        self, uow: UnitOfWork, actor: Actor, data: NewOrderData, answer: ClientAnswer
    ) -> NewOrderData:
        assert actor.organization is not None
        org_id = actor.organization.id
        raw = answer.phone or answer.query or ""
        phone = self._phone(actor, raw)
        if phone is not None:
            matches = await uow.clients.by_phone(org_id, phone)
            data = replace(data, new_phone=phone, phone_ok=True, phone_checked=True)
            if answer.name:
                data = replace(data, new_name=clean_name(answer.name, 200))
        else:
            matches = await uow.clients.search(org_id, parse_query(raw), CANDIDATES)
            data = replace(data, new_name=clean_name(raw, 200))
        candidates = tuple(_candidate(c) for c in matches[:CANDIDATES])
        return replace(data, candidates=candidates, resolved=True)

    async def _duplicates(self, uow: UnitOfWork, actor: Actor, data: NewOrderData) -> NewOrderData:
        """The 'same client?' check, once, for a new client whose phone is already known."""
        if chosen_client(data) or data.phone_checked or not data.new_phone:
            return data
        if data.client_pick is None and data.candidates:
            return data
        assert actor.organization is not None
        same = await uow.clients.by_phone(actor.organization.id, data.new_phone)
        data = replace(data, phone_checked=True)
        return replace(data, same_candidate=_candidate(same[0])) if same else data

    async def _chosen(self, uow: UnitOfWork, actor: Actor, data: NewOrderData) -> NewOrderData:
        client_id = _client_id(data)
        if client_id is None or data.client_loaded == client_id:
            return data
        assert actor.organization is not None
        client = await uow.clients.get(actor.organization.id, client_id)
        if client is None:
            raise DomainError("not_found")
        company = client.company
        return replace(
            data,
            client_loaded=client_id,
            client_label=client.name,
            client_address=client.address,
            client_status=company.status.value if company and company.status else None,
            client_closed_on=company.liquidation_date if company else None,
        )

    async def _suggest(self, uow: UnitOfWork, actor: Actor, data: NewOrderData) -> NewOrderData:
        address = data.address
        if address is None or not address.text or data.suggestions is not None:
            return data
        data = replace(data, suggestions=())
        if self._addresses is None or actor.organization is None:
            return data
        suggester = await self._addresses.for_org(uow, actor.organization.id)
        if suggester is None:
            return data
        language = actor.user.language or "ru"
        found = await suggester.suggest(address.text, language, 5)
        exact = [s for s in found if s.value != address.text]
        offered = (Suggestion(s.value, s.latitude, s.longitude) for s in exact[:5])
        return replace(data, suggestions=tuple(offered))

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: NewOrderData
    ) -> Outcome:
        if data.confirm not in ("create", ASSIGN):
            return Cancelled(NEW_ORDER)
        assert actor.organization is not None
        client_id, created = _client_id(data), False
        address = _draft(data, client_id or 0, actor).address
        if client_id is None:
            client = await uow.clients.add(
                actor.organization.id,
                data.client_name or required(data.new_name),
                [data.new_phone] if data.new_phone else [],
                address,
                None,
                self._clock.now(),
            )
            client_id, created = client.id, True
        else:
            await self._keep_address(uow, actor.organization.id, client_id, address)
        order = await self._orders.create(actor, _draft(data, client_id, actor), uow)
        change = None
        if data.confirm == ASSIGN:
            assignee = int(required(data.assignee))
            change = await self._orders.act(
                actor, order.id, OrderAction.ASSIGN, uow, assignee_id=assignee
            )
        told = await booked(uow, self._clock, actor, order, change)
        return OrderCreated(order.id, order.number, created, told)

    async def _keep_address(
        self, uow: UnitOfWork, org_id: int, client_id: int, address: str | None
    ) -> None:
        """A client's first order's address goes on their card (a known one is kept)."""
        client = await uow.clients.get(org_id, client_id)
        if client is not None and address and not client.address:
            change = ClientChange(address=address)
            await uow.clients.update(org_id, client_id, self._clock.now(), change)


def _candidate(client: Client) -> Candidate:
    """A client offered for the order: id, name and first phone (E.164; the chat formats it)."""
    return Candidate(client.id, client.name, client.phones[0] if client.phones else None)


def _client_id(data: NewOrderData) -> int | None:
    if data.client_same == "yes":
        return required(data.same_candidate).id
    pick = data.client_pick
    return int(pick) if pick is not None and pick != "new" else None


def _draft(data: NewOrderData, client_id: int, actor: Actor) -> OrderDraft:
    assert actor.organization is not None
    place = place_of(data)
    return OrderDraft(
        client_id=client_id,
        address=place.text,
        latitude=place.lat,
        longitude=place.lon,
        category_id=category_of(data),
        scheduled_at=moment_of(data, actor.organization.timezone),
        price_minor=data.price,
        description=data.description,
    )


def _reopen(data: NewOrderData) -> NewOrderData:
    """'Change the time' on the confirmation card: forget those answers, ask them again;
    'Back' from the list of workers: show the card again."""
    if data.assignee == "back":
        data = data.forget("assignee", "workers", "confirm")
    choice = data.confirm or ""
    if choice.startswith("edit:"):
        data = data.forget(*EDITABLE.get(choice.removeprefix("edit:"), ()), "confirm")
    return data
