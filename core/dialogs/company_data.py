"""The conversation of the client card's "🏢 Company details" (`core.companies.flow`): a search
(an INN/OGRN or a name), the company picked among the registry's answers, or the details typed
by hand, then the check screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from core.companies.model import Company, status_of
from core.dialogs.engine import DialogData


class PartyOption(NamedTuple):
    """A company the registry offered, as the conversation keeps it (JSON: an array)."""

    inn: str
    name: str
    kpp: str | None
    ogrn: str | None
    short_name: str | None
    address: str | None
    status: str | None
    liquidation_date: str | None  # ISO date
    individual: bool
    branch: str | None

    @classmethod
    def of(cls, c: Company) -> PartyOption:
        day = c.liquidation_date.isoformat() if c.liquidation_date else None
        status = c.status.value if c.status else None
        return cls(c.inn, c.name, c.kpp, c.ogrn, c.short_name, c.address, status, day,
                   c.individual, c.branch)  # fmt: skip

    def company(self, checked_at: dt.datetime | None) -> Company:
        day = dt.date.fromisoformat(self.liquidation_date) if self.liquidation_date else None
        return Company(
            self.inn, self.name, self.kpp, self.ogrn, self.short_name, self.address,
            status_of(self.status), day, self.individual, self.branch, checked_at,
        )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCompanyData(DialogData):
    flow = "client_company"
    client_id: int
    offline: bool | None = None  # no DaData key: the details are typed by hand
    has_company: bool | None = None  # the card has details (offer to remove them)
    query: str | None = None  # what was typed, or "manual" / "remove" tapped
    found: tuple[PartyOption, ...] | None = None
    pick: str | None = None  # an index into `found`
    inn: str | None = None
    kpp: str | None = None
    name: str | None = None
    address: str | None = None
    confirm: str | None = None  # save, remove or cancel
