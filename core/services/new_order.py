"""/neworder as a flow: client (found or new, duplicate-safe), address, category, time,
price, description, confirmation (create, or create and assign to a worker in one tap).
Lookups happen in `enrich`, between steps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.changes import ClientChange
from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor, Client
from core.errors import DomainError
from core.orders import OrderAction
from core.outcomes import Cancelled, OrderCreated, Outcome
from core.permissions import Action, allowed, require
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.phones import looks_like_phone
from core.ports import AddressSuggesters, Clock, PhoneNormalizer, UnitOfWork
from core.search import parse_query
from core.services.order_steps import (
    SKIP,
    category_of,
    moment_of,
    parse_address,
    parse_address_pick,
    parse_assignee,
    parse_category,
    parse_description,
    parse_price,
    place_of,
)
from core.services.orders import OrderDraft, OrderService
from core.services.when_steps import WHEN_STEPS, settle_year
from core.text import clean_name

NEW_ORDER = "new_order"
# What the confirmation card can send back for correction, and the answers that go with it.
EDITABLE: dict[str, tuple[str, ...]] = {
    "address": ("address", "address_pick", "suggestions"),
    "category": ("category",),
    "when": ("when", "when_year", "time"),
    "price": ("price",),
    "description": ("description",),
}
CANDIDATES = 6
ASSIGN = "assign"  # "Create and assign…": the next step lists the workers
CONFIRM = {"create": "create", ASSIGN: ASSIGN, "cancel": "cancel"}


def _client(given: DialogInput, _data: Mapping[str, Any]) -> dict[str, Any]:
    if given.contact_phone:
        return {"phone": given.contact_phone, "name": given.contact_name}
    text = (given.text or "").strip()
    if not text or given.choice is not None:
        raise DomainError("client_query_empty")
    return {"query": text[:200]}


def _pick(given: DialogInput, data: Mapping[str, Any]) -> str:
    options = {str(found[0]): found[1] for found in data.get("candidates", [])}
    return choice_of({**options, "new": "new"})(given, data)


def _name(given: DialogInput, _data: Mapping[str, Any]) -> str:
    return clean_name(given.text, 200)


def _phone(given: DialogInput, _data: Mapping[str, Any]) -> str | None:
    if given.choice == SKIP:
        return None
    if given.contact_phone:
        return given.contact_phone
    text = (given.text or "").strip()
    if not text:
        raise DomainError("phone_invalid", example=PHONE_EXAMPLE)
    return text[:40]


def _chosen_client(data: Mapping[str, Any]) -> bool:
    return data.get("client_pick", "new") != "new" or data.get("client_same") == "yes"


NEW_ORDER_FLOW = Flow(
    NEW_ORDER,
    (
        Step("client", _client, skip=lambda d: bool(d.get("resolved"))),
        Step("client_pick", _pick, skip=lambda d: not d.get("candidates")),
        Step("client_name", _name, skip=lambda d: _chosen_client(d) or bool(d.get("new_name"))),
        Step("client_phone", _phone, skip=lambda d: _chosen_client(d) or bool(d.get("new_phone"))),
        Step(
            "client_same",
            choice_of({"yes": "yes", "no": "no"}),
            skip=lambda d: _chosen_client(d) or not d.get("same_candidate"),
        ),
        Step("address", parse_address),
        Step("address_pick", parse_address_pick, skip=lambda d: not d.get("suggestions")),
        Step("category", parse_category, skip=lambda d: not d.get("categories")),
        *WHEN_STEPS,
        Step("price", parse_price),
        Step("description", parse_description),
        Step("confirm", choice_of({**CONFIRM, **{f"edit:{k}": k for k in EDITABLE}})),
        Step("assignee", parse_assignee, skip=lambda d: d.get("confirm") != ASSIGN),
    ),
)


class NewOrderSpec:
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

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        require(actor, Action.ORDER_CREATE)
        assert actor.organization is not None
        org = actor.organization
        found = dict(data)
        if "today" not in found:
            now = self._clock.now()
            local = now.astimezone(ZoneInfo(org.timezone)).replace(tzinfo=None)
            found.update(today=local.date().isoformat(), now_local=local.isoformat())
            found["categories"] = [[c.id, c.name] for c in await uow.categories.listing(org.id)]
            found["may_assign"] = bool(await self._workers(uow, actor, None))
        if "client" in found and "resolved" not in found:
            await self._resolve(uow, actor, found)
        if found.get("client_phone") and "phone_ok" not in found:
            phone = self._phone(actor, found["client_phone"])
            if phone is None:
                raise DomainError("phone_invalid", example=PHONE_EXAMPLE)
            found.update(new_phone=phone, phone_ok=True)
        _reopen(found)
        settle_year(found)
        await self._duplicates(uow, actor, found)
        await self._chosen(uow, actor, found)
        await self._suggest(uow, actor, found)
        if found.get("confirm") == ASSIGN and "assignee" not in found:
            moment = _draft(found, 0, actor).scheduled_at
            found["workers"] = await self._workers(uow, actor, moment)
            if not found["workers"]:
                raise DomainError("no_workers")
        return found

    async def _workers(
        self, uow: UnitOfWork, actor: Actor, moment: datetime | None
    ) -> list[list[Any]]:
        """[id, name, orders that day] of each worker to assign to; none for a role that
        does not assign."""
        if not allowed(actor.role, Action.ORDER_ASSIGN):
            return []
        loads = await self._orders.loads(uow, actor, moment)
        return [[w.user.id, w.user.display_name, w.orders_today] for w in loads]

    async def _resolve(self, uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> None:
        assert actor.organization is not None
        org_id, answer = actor.organization.id, data["client"]
        raw = answer.get("phone") or answer.get("query") or ""
        phone = self._phone(actor, raw)
        if phone is not None:
            matches = await uow.clients.by_phone(org_id, phone)
            data.update(new_phone=phone, phone_ok=True, phone_checked=True)
            if answer.get("name"):
                data["new_name"] = clean_name(answer["name"], 200)
        else:
            matches = await uow.clients.search(org_id, parse_query(raw), CANDIDATES)
            data["new_name"] = clean_name(raw, 200)
        data["candidates"] = [_candidate(c) for c in matches[:CANDIDATES]]
        data["resolved"] = True

    async def _duplicates(self, uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> None:
        """The 'same client?' check, once, for a new client whose phone is already known."""
        if _chosen_client(data) or data.get("phone_checked") or not data.get("new_phone"):
            return
        if "client_pick" not in data and data.get("candidates"):
            return
        assert actor.organization is not None
        same = await uow.clients.by_phone(actor.organization.id, data["new_phone"])
        data["phone_checked"] = True
        if same:
            data["same_candidate"] = _candidate(same[0])

    async def _chosen(self, uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> None:
        client_id = _client_id(data)
        if client_id is None or data.get("client_loaded") == client_id:
            return
        assert actor.organization is not None
        client = await uow.clients.get(actor.organization.id, client_id)
        if client is None:
            raise DomainError("not_found")
        data.update(
            client_loaded=client_id, client_label=client.name, client_address=client.address
        )

    async def _suggest(self, uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> None:
        address = data.get("address")
        if not address or not address.get("text") or "suggestions" in data:
            return
        data["suggestions"] = []
        if self._addresses is None or actor.organization is None:
            return
        suggester = await self._addresses.for_org(uow, actor.organization.id)
        if suggester is None:
            return
        language = actor.user.language or "ru"
        found = await suggester.suggest(address["text"], language, 5)
        exact = [s for s in found if s.value != address["text"]]
        data["suggestions"] = [[s.value, s.latitude, s.longitude] for s in exact[:5]]

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        if data["confirm"] not in ("create", ASSIGN):
            return Cancelled(NEW_ORDER)
        assert actor.organization is not None
        client_id, created = _client_id(data), False
        address = _draft(data, client_id or 0, actor).address
        if client_id is None:
            client = await uow.clients.add(
                actor.organization.id,
                data.get("client_name") or data["new_name"],
                [data["new_phone"]] if data.get("new_phone") else [],
                address,
                None,
                self._clock.now(),
            )
            client_id, created = client.id, True
        else:
            await self._keep_address(uow, actor.organization.id, client_id, address)
        order = await self._orders.create(actor, _draft(data, client_id, actor), uow)
        change = None
        if data["confirm"] == ASSIGN:
            assignee = int(data["assignee"])
            change = await self._orders.act(
                actor, order.id, OrderAction.ASSIGN, uow, assignee_id=assignee
            )
        return OrderCreated(order.id, order.number, created, change)

    async def _keep_address(
        self, uow: UnitOfWork, org_id: int, client_id: int, address: str | None
    ) -> None:
        """A client's first order's address goes on their card (a known one is kept)."""
        client = await uow.clients.get(org_id, client_id)
        if client is not None and address and not client.address:
            change = ClientChange(address=address)
            await uow.clients.update(org_id, client_id, self._clock.now(), change)


def _candidate(client: Client) -> list[Any]:
    """A client offered for the order: id, name and first phone (E.164; the chat formats it)."""
    return [client.id, client.name, client.phones[0] if client.phones else None]


def _client_id(data: Mapping[str, Any]) -> int | None:
    if data.get("client_same") == "yes":
        return int(data["same_candidate"][0])
    pick = data.get("client_pick")
    return int(pick) if pick not in (None, "new") else None


def _draft(data: Mapping[str, Any], client_id: int, actor: Actor) -> OrderDraft:
    assert actor.organization is not None
    place = place_of(data)
    return OrderDraft(
        client_id=client_id,
        address=place.get("text"),
        latitude=place.get("lat"),
        longitude=place.get("lon"),
        category_id=category_of(data),
        scheduled_at=moment_of(data, actor.organization.timezone),
        price_minor=data.get("price"),
        description=data.get("description"),
    )


def _reopen(data: dict[str, Any]) -> None:
    """'Change the time' on the confirmation card: forget those answers, ask them again;
    'Back' from the list of workers: show the card again."""
    if data.get("assignee") == "back":
        for key in ("assignee", "workers", "confirm"):
            data.pop(key, None)
    choice = str(data.get("confirm", ""))
    if choice.startswith("edit:"):
        for key in (*EDITABLE.get(choice.removeprefix("edit:"), ()), "confirm"):
            data.pop(key, None)
