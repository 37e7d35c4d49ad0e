"""A client's company details in /api/v1/clients (issue 21.8, docs/dadata-party.md): read as
`company` (null for a person); written by INN (looked up in DaData: the head office, or the
branch with `kpp`) or as explicit fields (checked, as typed by hand in the chat); null removes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.apikeys.service import KeyCaller
from core.companies.model import Company
from core.companies.service import manual_company
from core.services import Services

Status = Literal["ACTIVE", "LIQUIDATING", "LIQUIDATED", "BANKRUPT", "REORGANIZING"]


class CompanyOut(BaseModel):
    inn: str = Field(examples=["7707083893"])
    kpp: str | None = Field(examples=["773601001"])
    ogrn: str | None = Field(description="OGRN, or OGRNIP of a sole trader")
    name: str = Field(description="The full name with the legal form, as on invoices")
    short_name: str | None
    legal_address: str | None
    status: Status | None = Field(description="The register's state; null when typed by hand")
    liquidation_date: date | None
    individual: bool = Field(description="A sole trader (12-digit INN)")
    branch: Literal["MAIN", "BRANCH"] | None
    flagged: bool = Field(description="Liquidating, liquidated or bankrupt: serve with care")
    checked_at: datetime | None = Field(description="When DaData answered; null: typed by hand")


class CompanyIn(BaseModel):
    """Only `inn` (and `kpp` for a branch): looked up in DaData. With `name`: kept as given."""

    model_config = ConfigDict(extra="forbid")
    inn: str = Field(min_length=1, max_length=20, examples=["7707083893"])
    kpp: str | None = Field(None, max_length=20, examples=["773601001"])
    ogrn: str | None = Field(None, max_length=20)
    name: str | None = Field(None, max_length=300)
    legal_address: str | None = Field(None, max_length=300)


def company_out(company: Company | None) -> CompanyOut | None:
    if company is None:
        return None
    return CompanyOut(
        inn=company.inn,
        kpp=company.kpp,
        ogrn=company.ogrn,
        name=company.name,
        short_name=company.short_name,
        legal_address=company.address,
        status=company.status.value if company.status else None,
        liquidation_date=company.liquidation_date,
        individual=company.individual,
        branch="BRANCH" if company.branch == "BRANCH" else "MAIN" if company.branch else None,
        flagged=company.flagged,
        checked_at=company.checked_at,
    )


async def resolve_company(
    services: Services, who: KeyCaller, given: CompanyIn | None
) -> Company | None:
    """The details to keep, checked or looked up first, before anything is written (a wrong
    INN or DaData failing leaves the client as it was)."""
    if given is None:
        return None
    if given.name is not None:
        return manual_company(given.inn, given.name, given.kpp, given.legal_address, given.ogrn)
    return await services.companies.by_inn(who.actor, given.inn, given.kpp)
