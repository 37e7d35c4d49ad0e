"""/neworder as a flow: client (found or new, duplicate-safe), address, category, time,
price, description, confirmation. Lookups happen in `prepare`, between steps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor, Client
from core.errors import DomainError
from core.money import parse_money
from core.outcomes import Cancelled, OrderCreated, Outcome
from core.permissions import Action, require
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.phones import looks_like_phone
from core.ports import AddressSuggesters, Clock, PhoneNormalizer, UnitOfWork
from core.search import parse_query
from core.services.clients import ADDRESS_MAX, clean_text
from core.services.orders import DESCRIPTION_MAX, OrderDraft, OrderService
from core.services.when_steps import WHEN_STEPS, settle_year
from core.text import clean_name
from core.when import parse_time, to_utc

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
SKIP = "skip"


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


def _address(given: DialogInput, data: Mapping[str, Any]) -> dict[str, Any]:
    if given.location is not None:
        return {"text": None, "lat": given.location[0], "lon": given.location[1]}
    if given.choice == "client" and data.get("client_address"):
        return {"text": data["client_address"], "lat": None, "lon": None}
    if given.choice == SKIP:
        return {"text": None, "lat": None, "lon": None}
    text = clean_text(given.text, ADDRESS_MAX, "address_too_long")
    if not text:
        raise DomainError("address_empty")
    return {"text": text, "lat": None, "lon": None}


def _address_pick(given: DialogInput, data: Mapping[str, Any]) -> str:
    options = {str(i): s[0] for i, s in enumerate(data.get("suggestions", []))}
    return choice_of({**options, "keep": "keep"})(given, data)


def _category(given: DialogInput, data: Mapping[str, Any]) -> str:
    options = {str(cid): name for cid, name in data.get("categories", [])}
    return choice_of({**options, SKIP: SKIP})(given, data)


def _price(given: DialogInput, _data: Mapping[str, Any]) -> int | None:
    return None if given.choice == SKIP else parse_money(given.number or given.text)


def _description(given: DialogInput, _data: Mapping[str, Any]) -> str | None:
    if given.choice == SKIP:
        return None
    return clean_text(given.text, DESCRIPTION_MAX) or None


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
        Step("address", _address),
        Step("address_pick", _address_pick, skip=lambda d: not d.get("suggestions")),
        Step("category", _category, skip=lambda d: not d.get("categories")),
        *WHEN_STEPS,
        Step("price", _price),
        Step("description", _description),
        Step(
            "confirm",
            choice_of(
                {"create": "create", "cancel": "cancel", **{f"edit:{k}": k for k in EDITABLE}}
            ),
        ),
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
        return found

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
        if data["confirm"] != "create":
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
        return OrderCreated(order.id, order.number, created)

    async def _keep_address(
        self, uow: UnitOfWork, org_id: int, client_id: int, address: str | None
    ) -> None:
        """A client's first order's address goes on their card (a known one is kept)."""
        client = await uow.clients.get(org_id, client_id)
        if client is not None and address and not client.address:
            await uow.clients.update(org_id, client_id, self._clock.now(), address=address)


def _candidate(client: Client) -> list[Any]:
    """A client offered for the order: id, name and first phone (E.164; the chat formats it)."""
    return [client.id, client.name, client.phones[0] if client.phones else None]


def _client_id(data: Mapping[str, Any]) -> int | None:
    if data.get("client_same") == "yes":
        return int(data["same_candidate"][0])
    pick = data.get("client_pick")
    return int(pick) if pick not in (None, "new") else None


def _draft(data: Mapping[str, Any], client_id: int, actor: Actor) -> OrderDraft:
    address = dict(data.get("address") or {})
    pick = data.get("address_pick")
    if pick not in (None, "keep"):
        value, lat, lon = data["suggestions"][int(pick)]
        address = {"text": value, "lat": lat, "lon": lon}
    when, scheduled = data["when"], None
    if when["day"]:
        assert actor.organization is not None
        at = data.get("time") or when["time"]
        scheduled = to_utc(
            date.fromisoformat(when["day"]), parse_time(at), actor.organization.timezone
        )
    category = data.get("category")
    return OrderDraft(
        client_id=client_id,
        address=address.get("text"),
        latitude=address.get("lat"),
        longitude=address.get("lon"),
        category_id=int(category) if category not in (None, SKIP) else None,
        scheduled_at=scheduled,
        price_minor=data.get("price"),
        description=data.get("description"),
    )


def _reopen(data: dict[str, Any]) -> None:
    """'Change the time' on the confirmation card: forget those answers, ask them again."""
    choice = str(data.get("confirm", ""))
    if choice.startswith("edit:"):
        for key in (*EDITABLE.get(choice.removeprefix("edit:"), ()), "confirm"):
            data.pop(key, None)
