"""Flows on clients: /newclient, editing one field, merging a duplicate into a card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ClientSaved, Outcome
from core.permissions import Action, require
from core.ports import Clock, PhoneNormalizer, UnitOfWork
from core.search import parse_query
from core.services.clients import ADDRESS_MAX, NOTES_MAX, clean_text
from core.text import clean_name

NEW_CLIENT = "new_client"
CLIENT_EDIT = "client_edit"
CLIENT_MERGE = "client_merge"


def _text(given: DialogInput, _data: Mapping[str, Any]) -> str | None:
    if given.choice == "skip":
        return None
    if given.contact_phone:
        return given.contact_phone
    return (given.text or "").strip()[:2000] or None


def _required(given: DialogInput, data: Mapping[str, Any]) -> str:
    value = _text(given, data)
    if not value:
        raise DomainError("name_empty")
    return value


NEW_CLIENT_FLOW = Flow(
    NEW_CLIENT,
    (
        Step("name", lambda g, d: clean_name(g.text, 200)),
        Step("phone", _text),
        Step(
            "same",
            choice_of({"open": "open", "new": "new"}),
            skip=lambda d: not d.get("dup"),
        ),
        Step("address", _text, skip=lambda d: d.get("same") == "open"),
    ),
)
CLIENT_EDIT_FLOW = Flow(CLIENT_EDIT, (Step("value", _required),))
CLIENT_MERGE_FLOW = Flow(
    CLIENT_MERGE,
    (
        Step("query", _required),
        Step("pick", lambda g, d: choice_of({str(c): str(c) for c, _ in d["candidates"]})(g, d)),
        Step("confirm", choice_of({"merge": "merge", "cancel": "cancel"})),
    ),
)


class _ClientFlow:
    def __init__(self, clock: Clock, phones: PhoneNormalizer) -> None:
        self._clock = clock
        self._phones = phones

    def _phone(self, actor: Actor, text: str) -> str:
        assert actor.organization is not None
        phone = self._phones.normalize(text, actor.organization.country)
        if phone is None:
            raise DomainError("phone_invalid", example="+7 916 123-45-67")
        return phone


class NewClientSpec(_ClientFlow):
    """/newclient: name, phone (a known phone offers the existing card), address."""

    flow = NEW_CLIENT_FLOW

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        found = dict(data)
        if found.get("phone") and "e164" not in found:
            found["e164"] = self._phone(actor, found["phone"])
            same = await uow.clients.by_phone(actor.organization.id, found["e164"])
            if same:
                found["dup"] = [same[0].id, same[0].name]
        return found

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        assert actor.organization is not None
        if data.get("same") == "open":
            return ClientSaved(int(data["dup"][0]), created=False)
        org_id, now = actor.organization.id, self._clock.now()
        phones = [data["e164"]] if data.get("e164") else []
        address = clean_text(data.get("address"), ADDRESS_MAX, "address_too_long")
        client = await uow.clients.add(org_id, data["name"], phones, address, None, now)
        await uow.clients.add_event(org_id, client.id, actor.user.id, "created", {}, now)
        return ClientSaved(client.id, created=True)


class ClientEditSpec(_ClientFlow):
    """One field of a client card: name, an added phone, the address or the notes."""

    flow = CLIENT_EDIT_FLOW

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        require(actor, Action.CLIENT_EDIT)
        found = dict(data)
        if "value" in found and "checked" not in found:
            found["checked"] = self._value(actor, found["field"], found["value"])
        return found

    def _value(self, actor: Actor, field: str, value: str) -> Any:
        if field == "name":
            return clean_name(value, 200)
        if field == "phone":
            return self._phone(actor, value)
        limit = ADDRESS_MAX if field == "address" else NOTES_MAX
        return clean_text(value, limit)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        assert actor.organization is not None
        org_id, client_id, now = actor.organization.id, int(data["client_id"]), self._clock.now()
        client = await uow.clients.get(org_id, client_id)
        if client is None:
            raise DomainError("not_found")
        field, value = data["field"], data["checked"]
        changes = {"phones": [value, *client.phones]} if field == "phone" else {field: value}
        await uow.clients.update(org_id, client_id, now, **changes)
        await uow.clients.add_event(
            org_id, client_id, actor.user.id, "edited", {"field": field}, now
        )
        return ClientSaved(client_id, created=False)


class ClientMergeSpec(_ClientFlow):
    """Find the duplicate card, pick it, confirm: its orders and phones move to this card."""

    flow = CLIENT_MERGE_FLOW

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        require(actor, Action.CLIENT_MERGE)
        assert actor.organization is not None
        found = dict(data)
        if found.get("query") and "candidates" not in found:
            matches = await uow.clients.search(
                actor.organization.id, parse_query(found["query"]), 7
            )
            keep = int(found["client_id"])
            found["candidates"] = [[c.id, c.name] for c in matches if c.id != keep][:6]
            if not found["candidates"]:
                raise DomainError("merge_nothing_found")
        return found

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        assert actor.organization is not None
        keep_id = int(data["client_id"])
        if data["confirm"] != "merge":
            return ClientSaved(keep_id, created=False)
        org_id, other_id, now = actor.organization.id, int(data["pick"]), self._clock.now()
        other = await uow.clients.get(org_id, other_id)
        if other is None:
            raise DomainError("not_found")
        await uow.clients.merge(org_id, keep_id, other_id, now)
        event = {"merged_id": other_id, "merged_name": other.name}
        await uow.clients.add_event(org_id, keep_id, actor.user.id, "merged", event, now)
        await uow.clients.add_event(
            org_id, other_id, actor.user.id, "merged_into", {"into_id": keep_id}, now
        )
        return ClientSaved(keep_id, created=False, merged=other.name)
