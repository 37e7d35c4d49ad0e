"""Flows on clients: /newclient, editing one field, merging a duplicate into a card."""

from __future__ import annotations

from dataclasses import replace

from core.client_loop.restriction_notice import confirm_restriction
from core.clients.search import parse_query
from core.clients.service import ClientService
from core.dialogs.client_data import ClientEditData, ClientMergeData, NewClientData
from core.dialogs.data import Ref
from core.dialogs.engine import DialogData, DialogInput, Flow, Step, choice_of, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ClientSaved, Outcome
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork
from core.text import clean_name

NEW_CLIENT = NewClientData.flow
CLIENT_EDIT = ClientEditData.flow
CLIENT_MERGE = ClientMergeData.flow


def _text(given: DialogInput, _data: DialogData) -> str | None:
    if given.choice == "skip":
        return None
    if given.choice == "today":  # a data request's day received
        return "today"
    if given.contact_phone:
        return given.contact_phone
    return (given.text or "").strip()[:2000] or None


def _required(given: DialogInput, data: DialogData) -> str:
    value = _text(given, data)
    if not value:
        raise DomainError("name_empty")
    return value


def _name(given: DialogInput, _data: DialogData) -> str:
    return clean_name(given.text, 200)


def _pick(given: DialogInput, data: ClientMergeData) -> str:
    return choice_of({str(c.id): str(c.id) for c in data.candidates or ()})(given, data)


NEW_CLIENT_FLOW = Flow(
    NewClientData,
    (
        Step("name", _name),
        Step("phone", _text),
        Step("same", choice_of({"open": "open", "new": "new"}), skip=lambda d: d.dup is None),
        Step("address", _text, skip=lambda d: d.same == "open"),
    ),
)
CLIENT_EDIT_FLOW = Flow(ClientEditData, (Step("value", _required),))
CLIENT_MERGE_FLOW = Flow(
    ClientMergeData,
    (
        Step("query", _required),
        Step("pick", _pick),
        Step("confirm", choice_of({"merge": "merge", "cancel": "cancel"})),
    ),
)


class NewClientSpec(Spec[NewClientData]):
    """/newclient: name, phone (a known phone offers the existing card), address."""

    flow = NEW_CLIENT_FLOW

    def __init__(self, clients: ClientService) -> None:
        self._clients = clients

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: NewClientData) -> NewClientData:
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        if not data.phone or data.e164 is not None:
            return data
        e164 = self._clients.normalize_phone(actor, data.phone)
        same = await uow.clients.by_phone(actor.organization.id, e164)
        return replace(data, e164=e164, dup=Ref(same[0].id, same[0].name) if same else None)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: NewClientData
    ) -> Outcome:
        if data.same == "open":
            return ClientSaved(required(data.dup).id, created=False)
        client = await self._clients.create(
            actor,
            required(data.name),
            data.e164,
            data.address,
            allow_duplicate=True,
            uow=uow,
        )
        return ClientSaved(client.id, created=True)


class ClientEditSpec(Spec[ClientEditData]):
    """One field of a client card: name, an added phone, the address or the notes."""

    flow = CLIENT_EDIT_FLOW

    def __init__(
        self, clients: ClientService, clock: Clock | None = None, default_language: str = "en"
    ) -> None:
        self._clients = clients
        self._clock = clock
        self._language = default_language

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: ClientEditData) -> ClientEditData:
        require(actor, Action.CLIENT_EDIT)
        if data.value is not None:
            self._clients.edit_values(actor, data.field, data.value)  # asks again if bad
        return data

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ClientEditData
    ) -> Outcome:
        assert actor.organization is not None
        before = await uow.clients.get(actor.organization.id, data.client_id)
        client = await self._clients.edit(actor, data.client_id, data.field, data.value, uow)
        newly = before is not None and not before.restricted and client.restricted
        if newly and self._clock is not None:  # the one message confirming it
            told = await confirm_restriction(uow, self._clock, actor, client.id, self._language)
            return ClientSaved(data.client_id, created=False, confirmed=told)
        return ClientSaved(data.client_id, created=False)


class ClientMergeSpec(Spec[ClientMergeData]):
    """Find the duplicate card, pick it, confirm: its orders and phones move to this card."""

    flow = CLIENT_MERGE_FLOW

    def __init__(self, clients: ClientService) -> None:
        self._clients = clients

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ClientMergeData
    ) -> ClientMergeData:
        require(actor, Action.CLIENT_MERGE)
        assert actor.organization is not None
        if not data.query or data.candidates is not None:
            return data
        matches = await uow.clients.search(actor.organization.id, parse_query(data.query), 7)
        candidates = tuple(Ref(c.id, c.name) for c in matches if c.id != data.client_id)[:6]
        if not candidates:
            raise DomainError("merge_nothing_found")
        return replace(data, candidates=candidates)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ClientMergeData
    ) -> Outcome:
        keep_id = data.client_id
        if data.confirm != "merge":
            return ClientSaved(keep_id, created=False)
        assert actor.organization is not None
        other_id = int(required(data.pick))
        other = await uow.clients.get(actor.organization.id, other_id)
        await self._clients.merge(actor, keep_id, other_id, uow)
        return ClientSaved(keep_id, created=False, merged=other.name if other else None)
