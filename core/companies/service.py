"""Company details on a client card: looked up in the registry (the organization's DaData key,
else the deployment's) or typed by hand, checked, kept, removed (docs/dadata-party.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from core.companies.checks import (
    NAME_MAX,
    checked_inn,
    checked_kpp,
    checked_ogrn,
    party_query,
)
from core.companies.model import Company, RegistryError
from core.companies.ports import PartyRegistry
from core.domain import Actor, Client
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.text import clean_line

ADDRESS_MAX = 300
OFFERED = 5  # buttons a search offers
BRANCHES = 20  # a head office and its branches, as many as one answer lists
Credential = Callable[[UnitOfWork, int, str], Awaitable[str | None]]


class OrgRegistries:
    """DaData per organization: its own token, else the deployment's (one adapter per key)."""

    def __init__(
        self, credential: Credential | None, make: Callable[[str], PartyRegistry] | None
    ) -> None:
        self._credential = credential
        self._make = make
        self._by_key: dict[str, PartyRegistry] = {}

    async def for_org(self, uow: UnitOfWork, org_id: int) -> PartyRegistry | None:
        if self._make is None or self._credential is None:
            return None
        key = await self._credential(uow, org_id, "dadata_token")
        if key is None:
            return None
        if key not in self._by_key:
            self._by_key[key] = self._make(key)
        return self._by_key[key]


def checked_address(text: str | None) -> str | None:
    where = clean_line(text or "") or None
    if where is not None and len(where) > ADDRESS_MAX:
        raise DomainError("address_too_long", limit=ADDRESS_MAX, length=len(where))
    return where


def manual_company(
    inn: str | None,
    name: str | None,
    kpp: str | None = None,
    address: str | None = None,
    ogrn: str | None = None,
) -> Company:
    """Details typed by hand, checked: INN with its check digits, KPP (a legal entity's; a
    sole trader has none), OGRN/OGRNIP with its check digit, a name, an address."""
    number = checked_inn(inn)
    label = clean_line(name or "")
    if not label:
        raise DomainError("company_name_empty")
    if len(label) > NAME_MAX:
        raise DomainError("text_too_long", limit=NAME_MAX, length=len(label))
    where = checked_address(address)
    individual = len(number) == 12
    return Company(
        number, label, None if individual else checked_kpp(kpp), checked_ogrn(ogrn),
        address=where, individual=individual,
    )  # fmt: skip


class CompanyService:
    def __init__(self, uow: UowFactory, clock: Clock, registries: OrgRegistries) -> None:
        self._uow = uow
        self._clock = clock
        self._registries = registries

    async def registry(self, uow: UnitOfWork, actor: Actor) -> PartyRegistry | None:
        assert actor.organization is not None
        return await self._registries.for_org(uow, actor.organization.id)

    async def search(self, uow: UnitOfWork, actor: Actor, typed: str) -> list[Company]:
        """An INN/OGRN finds the company and its branches, a name up to five companies;
        nothing found, no key or the registry failing is a domain error (asked again)."""
        require(actor, Action.CLIENT_EDIT)
        query = party_query(typed)
        registry = await self.registry(uow, actor)
        if registry is None:
            raise DomainError("dadata_not_configured")
        try:
            if query.number:
                found = await registry.find_by_id(query.text, limit=BRANCHES)
            else:
                found = await registry.suggest(query.text, OFFERED)
        except RegistryError as error:
            raise DomainError(f"dadata_{error.failure.value}") from None
        if not found:
            raise DomainError("company_not_found")
        return found

    async def by_inn(self, actor: Actor, inn: str, kpp: str | None) -> Company:
        """The head office with this INN (or the branch with this KPP), from the registry."""
        number, branch = checked_inn(inn), checked_kpp(kpp)
        async with self._uow() as uow:
            registry = await self.registry(uow, actor)
        if registry is None:
            raise DomainError("dadata_not_configured")
        try:
            found = await registry.find_by_id(number, kpp=branch, main_only=branch is None)
        except RegistryError as error:
            raise DomainError(f"dadata_{error.failure.value}") from None
        if not found:
            raise DomainError("company_not_found")
        return replace(found[0], checked_at=self._clock.now())

    async def save(
        self,
        actor: Actor,
        client_id: int,
        company: Company | None,
        uow: UnitOfWork | None = None,
        via: str | None = None,
    ) -> Client:
        """Keep the details on the card (None removes them: the client is a person again)."""
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()

        async def work(tx: UnitOfWork) -> Client:
            if await tx.clients.get(org_id, client_id) is None:
                raise DomainError("not_found")
            client = await tx.clients.set_company(org_id, client_id, company, now)
            kind = "company_set" if company is not None else "company_removed"
            data = {"via": via} if via else {}
            await tx.clients.add_event(org_id, client_id, actor.user.id, kind, data, now)
            return client

        if uow is not None:
            return await work(uow)
        async with self._uow() as own:
            client = await work(own)
            await own.commit()
            return client
