"""The client card's "🏢 Company details": type an INN/OGRN (the company and its branches) or
a name (up to five companies), pick one, check and save; or type the details by hand (always
offered, and the only way when the organization has no DaData key); or remove them."""

from __future__ import annotations

from dataclasses import replace

from core.companies.checks import checked_inn, checked_kpp, party_query
from core.companies.model import Company
from core.companies.service import CompanyService, checked_address, manual_company
from core.dialogs.company_data import ClientCompanyData, PartyOption
from core.dialogs.engine import DialogInput, Flow, Step, choice_of, required
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import ClientSaved, Outcome
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork
from core.text import clean_name

CLIENT_COMPANY = ClientCompanyData.flow
MANUAL, REMOVE = "manual", "remove"


def _query(given: DialogInput, data: ClientCompanyData) -> str:
    if given.choice in (MANUAL, REMOVE):
        if given.choice == REMOVE and not data.has_company:
            raise DomainError("choose_option")
        return given.choice
    return party_query(given.text).text  # wrong check digits are asked again here


def _pick(given: DialogInput, data: ClientCompanyData) -> str:
    return choice_of({str(i): o.name for i, o in enumerate(data.found or ())})(given, data)


def _kpp(given: DialogInput, _data: ClientCompanyData) -> str | None:
    return None if given.choice == "skip" else checked_kpp(given.text)


def _address(given: DialogInput, _data: ClientCompanyData) -> str | None:
    if given.choice == "skip":
        return None
    return checked_address(given.text)


def _manual(data: ClientCompanyData) -> bool:
    return bool(data.offline) or data.query == MANUAL


def _confirm(given: DialogInput, data: ClientCompanyData) -> str:
    options = {"remove": "remove"} if data.query == REMOVE else {"save": "save"}
    return choice_of({**options, "cancel": "cancel"})(given, data)


CLIENT_COMPANY_FLOW = Flow(
    ClientCompanyData,
    (
        Step("query", _query, skip=lambda d: bool(d.offline)),
        Step("pick", _pick, skip=lambda d: d.found is None or len(d.found) < 2),
        Step("inn", lambda g, d: checked_inn(g.text), skip=lambda d: not _manual(d)),
        Step("kpp", _kpp, skip=lambda d: not _manual(d) or len(d.inn or "") != 10),
        Step("name", lambda g, d: clean_name(g.text, 300), skip=lambda d: not _manual(d)),
        Step("address", _address, skip=lambda d: not _manual(d)),
        Step("confirm", _confirm),
    ),
)


def chosen(data: ClientCompanyData) -> Company:
    """The company the check screen shows: the one picked (or the only one found), or the
    details typed by hand."""
    if data.found:
        return data.found[int(data.pick or 0)].company(None)
    return manual_company(required(data.inn), data.name, data.kpp, data.address)


class ClientCompanySpec(Spec[ClientCompanyData]):
    flow = CLIENT_COMPANY_FLOW

    def __init__(self, clock: Clock, companies: CompanyService) -> None:
        self._clock = clock
        self._companies = companies

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ClientCompanyData
    ) -> ClientCompanyData:
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        if data.offline is None:  # the start: is there a key, are there details to remove?
            client = await uow.clients.get(actor.organization.id, data.client_id)
            if client is None:
                raise DomainError("not_found")
            offline = await self._companies.registry(uow, actor) is None
            data = replace(data, offline=offline, has_company=client.company is not None)
        if data.query and data.query not in (MANUAL, REMOVE) and data.found is None:
            found = await self._companies.search(uow, actor, data.query)
            data = replace(data, found=tuple(PartyOption.of(c) for c in found))
        return data

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ClientCompanyData
    ) -> Outcome:
        if data.confirm == "remove":
            await self._companies.save(actor, data.client_id, None, uow)
        elif data.confirm == "save":
            company = chosen(data)
            if data.found:
                company = replace(company, checked_at=self._clock.now())
            await self._companies.save(actor, data.client_id, company, uow)
        return ClientSaved(data.client_id, created=False)
