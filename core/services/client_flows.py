"""Flows on clients: /newclient, editing one field, merging a duplicate into a card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ClientSaved, Outcome
from core.permissions import Action, require
from core.ports import UnitOfWork
from core.search import parse_query
from core.services.clients import ClientService
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
    def __init__(self, clients: ClientService) -> None:
        self._clients = clients


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
            found["e164"] = self._clients.normalize_phone(actor, found["phone"])
            same = await uow.clients.by_phone(actor.organization.id, found["e164"])
            if same:
                found["dup"] = [same[0].id, same[0].name]
        return found

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        if data.get("same") == "open":
            return ClientSaved(int(data["dup"][0]), created=False)
        client = await self._clients.create(
            actor,
            data["name"],
            data.get("e164"),
            data.get("address"),
            allow_duplicate=True,
            uow=uow,
        )
        return ClientSaved(client.id, created=True)


class ClientEditSpec(_ClientFlow):
    """One field of a client card: name, an added phone, the address or the notes."""

    flow = CLIENT_EDIT_FLOW

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        require(actor, Action.CLIENT_EDIT)
        if "value" in data:
            self._clients.edit_values(actor, data["field"], data["value"])  # asks again if bad
        return data

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        client_id = int(data["client_id"])
        await self._clients.edit(actor, client_id, data["field"], data["value"], uow)
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
        keep_id = int(data["client_id"])
        if data["confirm"] != "merge":
            return ClientSaved(keep_id, created=False)
        assert actor.organization is not None
        other = await uow.clients.get(actor.organization.id, int(data["pick"]))
        await self._clients.merge(actor, keep_id, int(data["pick"]), uow)
        return ClientSaved(keep_id, created=False, merged=other.name if other else None)
