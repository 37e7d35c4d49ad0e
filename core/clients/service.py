"""Clients: duplicate-safe capture, search, cards with history, edits and merges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from core.changes import ClientChange, Keep
from core.clients import restriction as marks
from core.clients.fields import ADDRESS_MAX, NOTES_MAX, clean_text, client_email
from core.clients.requests import check_day, record_request, request_kind
from core.clients.search import SearchQuery, company_terms, matches, parse_query
from core.domain import Actor, Client, OrderStatus
from core.errors import DomainError
from core.orders.listing import PAGE_SIZE
from core.permissions import Action, allowed, contacts_cutoff, require
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.phones import looks_like_phone
from core.ports import Clock, PhoneNormalizer, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_name, search_key
from core.views import ClientCard, ClientView, Page, client_view

T = TypeVar("T")
EDITABLE = ("name", "phone", "address", "notes")


async def contacts_visible(uow: UnitOfWork, actor: Actor, client_id: int, now: datetime) -> bool:
    """Least privilege: a worker sees contacts only while holding an order for the client
    that is open or unpaid, and for a grace period after (`contacts_cutoff`)."""
    if allowed(actor.role, Action.CLIENT_CONTACTS_ANY):
        return True
    org = actor.organization
    assert org is not None
    return await uow.orders.holds_client(
        org.id, actor.user.id, client_id, contacts_cutoff(org, now)
    )


async def served_clients(uow: UnitOfWork, actor: Actor, now: datetime) -> set[int]:
    """The clients whose contacts a worker may see now (see `contacts_visible`)."""
    org = actor.organization
    assert org is not None
    return await uow.orders.served_clients(org.id, actor.user.id, contacts_cutoff(org, now))


class ClientService:
    def __init__(self, uow: UowFactory, clock: Clock, phones: PhoneNormalizer) -> None:
        self._uow = uow
        self._clock = clock
        self._phones = phones

    def normalize_phone(self, actor: Actor, text: str | None) -> str:
        assert actor.organization is not None
        phone = self._phones.normalize(text or "", actor.organization.country)
        if phone is None:
            code = "phone_incomplete" if looks_like_phone(text or "") else "phone_invalid"
            raise DomainError(code, example=PHONE_EXAMPLE)
        return phone

    async def find(self, actor: Actor, text: str, page: int = 0) -> Page[ClientView]:
        """Managers search every client; a worker only the clients they serve now, so a
        phone number cannot be mapped to a client whose contacts they may not see."""
        require(actor, Action.CLIENT_VIEW)
        assert actor.organization is not None
        query = parse_query(text)
        if query.empty:
            raise DomainError("search_empty")
        async with self._uow() as uow:
            if allowed(actor.role, Action.CLIENT_CONTACTS_ANY):
                found = await uow.clients.search(
                    actor.organization.id, query, PAGE_SIZE + 1, page * PAGE_SIZE
                )
            else:
                found = await self._served_matching(uow, actor, query, page)
        views = [client_view(c, True) for c in found[:PAGE_SIZE]]
        more = len(found) > PAGE_SIZE
        return Page(tuple(views), page, page + (2 if more else 1), len(views))

    async def _served_matching(
        self, uow: UnitOfWork, actor: Actor, query: SearchQuery, page: int
    ) -> list[Client]:
        """A page (and one more) of the worker's current clients that match the query."""
        assert actor.organization is not None
        ids = await served_clients(uow, actor, self._clock.now())
        clients = await uow.clients.many(actor.organization.id, sorted(ids))
        # A restricted card is not offered to workers (docs/data-rights.md).
        found = [
            c
            for c in clients
            if not c.restricted and matches(query, c.name, c.phones, company_terms(c.company))
        ]
        found.sort(key=lambda c: (search_key(c.name), c.id))
        return found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE + 1]

    async def inline(self, actor: Actor, text: str) -> list[ClientView]:
        """Inline-mode lookup: managers and owners only; anyone else gets nothing."""
        if actor.role is None or not allowed(actor.role, Action.CLIENT_CONTACTS_ANY):
            return []
        query = parse_query(text)
        if query.empty:
            return []
        assert actor.organization is not None
        async with self._uow() as uow:
            return [
                client_view(c, True)
                for c in await uow.clients.search(actor.organization.id, query, 20)
            ]

    async def card(self, actor: Actor, client_id: int) -> ClientCard:
        require(actor, Action.CLIENT_VIEW)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            client = await uow.clients.get(org_id, client_id)
            if client is None:
                raise DomainError("not_found")
            viewed = AuditAction.CLIENT_VIEWED
            await record(uow, actor, viewed, self._clock.now(), ("client", client_id))
            await uow.commit()
            visible = await contacts_visible(uow, actor, client_id, self._clock.now())
            orders = await uow.orders.for_client(org_id, client_id) if visible else []
            calls = await uow.calls.for_phones(org_id, client.phones, 5) if visible else []
            done = any(o.status is OrderStatus.DONE for o in orders)  # only those are rated
            rated = await uow.client_loop.client_ratings(org_id, client_id) if done else []
            asked = []
            if allowed(actor.role, Action.CLIENT_EDIT):  # the client's data requests
                asked = await uow.requests.client_requests(org_id, client_id)
        view = client_view(client, visible)
        ratings = tuple((number, r.stars or 0, r.comment) for r, number in rated)
        open_ = tuple(r for r in asked if r.closed_at is None)
        now = self._clock.now()
        return ClientCard(view, tuple(orders), tuple(calls), now, ratings, open_)

    async def _run(self, uow: UnitOfWork | None, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run in the caller's transaction (a flow completing), or in a new one, committed."""
        if uow is not None:
            return await work(uow)
        async with self._uow() as own:
            result = await work(own)
            await own.commit()
            return result

    async def create(
        self,
        actor: Actor,
        name: str,
        phone: str | None,
        address: str | None = None,
        notes: str | None = None,
        allow_duplicate: bool = False,
        uow: UnitOfWork | None = None,
        via: str | None = None,
    ) -> Client:
        """A new client; a phone another card already has is refused unless allowed. `via`:
        made outside the chat ("api key <name>"), kept in the event."""
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        name = clean_name(name, 200)
        phones = [self.normalize_phone(actor, phone)] if phone else []
        fields = (
            clean_text(address, ADDRESS_MAX, "address_too_long"),
            clean_text(notes, NOTES_MAX),
        )

        async def work(tx: UnitOfWork) -> Client:
            if phones and not allow_duplicate:
                same = await tx.clients.by_phone(org_id, phones[0])
                if same:
                    raise DomainError("client_duplicate", client_id=same[0].id, name=same[0].name)
            client = await tx.clients.add(org_id, name, phones, *fields, now)
            made = {"via": via} if via else {}
            await tx.clients.add_event(org_id, client.id, actor.user.id, "created", made, now)
            return client

        return await self._run(uow, work)

    async def edit(
        self,
        actor: Actor,
        client_id: int,
        field: str,
        value: str | None,
        uow: UnitOfWork | None = None,
        via: str | None = None,
    ) -> Client:
        """Change one field; a phone is added in front of the ones the card has."""
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        changes = self.edit_values(actor, field, value)
        email = client_email(value) if field == "email" else None

        async def work(tx: UnitOfWork) -> Client:
            if field == marks.RESTRICT:  # the value is the note of the client's request
                return await marks.set_restricted(
                    tx, actor, client_id, marks.restriction_note(value), now
                )
            if (kind := request_kind(field)) is not None:  # a data request: the value is the day
                return await record_request(tx, actor, client_id, kind, value, now)
            current = await tx.clients.get(org_id, client_id)
            if current is None:
                raise DomainError("not_found")
            was = (
                await tx.client_loop.client_email(org_id, client_id) if field == "email" else None
            )
            if field == "email":  # kept by the client loop (migration 0017), for e-mail messages
                await tx.client_loop.set_client_email(org_id, client_id, email, now)
            change = changes
            if not isinstance(changes.phones, Keep):
                change = replace(changes, phones=(*changes.phones, *current.phones))
            client = await tx.clients.update(org_id, client_id, now, change)
            data = {"field": field, **({"via": via} if via else {})}
            await tx.clients.add_event(org_id, client_id, actor.user.id, "edited", data, now)
            await marks.audit_edit(tx, actor, field, current, client, (was, email), now)
            return client

        return await self._run(uow, work)

    def edit_values(self, actor: Actor, field: str, value: str | None) -> ClientChange:
        """Validate a new value for one field (raises the domain error to ask again)."""
        if field == "name":
            return ClientChange(name=clean_name(value, 200))
        if field == "phone":
            return ClientChange(phones=(self.normalize_phone(actor, value),))
        if field == "address":
            return ClientChange(address=clean_text(value, ADDRESS_MAX, "address_too_long"))
        if field == "notes":
            return ClientChange(notes=clean_text(value, NOTES_MAX))
        if field == "email":
            client_email(value)
            return ClientChange()
        if field == marks.RESTRICT:
            return ClientChange(restriction_note=marks.restriction_note(value))
        if request_kind(field) is not None:
            check_day(actor, value, self._clock.now())
            return ClientChange()
        raise DomainError("choose_option")

    async def lift_restriction(
        self, actor: Actor, client_id: int, objection: bool | None = None
    ) -> Client:
        """The card's "Lift restriction" (`objection` None), or the client's objection to
        automated processing set or withdrawn (docs/data-rights.md); audited."""
        async with self._uow() as uow:
            client = await marks.processing(uow, actor, client_id, objection, self._clock.now())
            await uow.commit()
        return client

    async def merge(
        self,
        actor: Actor,
        keep_id: int,
        other_id: int,
        uow: UnitOfWork | None = None,
        via: str | None = None,
    ) -> Client:
        """The other card's orders and phones move to the kept one; both record the event."""
        require(actor, Action.CLIENT_MERGE)
        assert actor.organization is not None
        if keep_id == other_id:
            raise DomainError("merge_same")
        org_id, now = actor.organization.id, self._clock.now()

        async def work(tx: UnitOfWork) -> Client:
            keep = await tx.clients.get(org_id, keep_id)
            other = await tx.clients.get(org_id, other_id)
            if keep is None or other is None:
                raise DomainError("not_found")
            merged = await tx.clients.merge(org_id, keep_id, other_id, now)
            tag = {"via": via} if via else {}
            data = {"merged_id": other_id, "merged_name": other.name, **tag}
            await tx.clients.add_event(org_id, keep_id, actor.user.id, "merged", data, now)
            into = {"into_id": keep_id, **tag}
            await tx.clients.add_event(org_id, other_id, actor.user.id, "merged_into", into, now)
            return merged

        return await self._run(uow, work)
