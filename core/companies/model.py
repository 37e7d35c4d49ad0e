"""A company's registry details as the CRM keeps them on a client card, and what its state
means for the people who serve it (docs/dadata-party.md)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class CompanyStatus(enum.StrEnum):
    """The registry's state of a company (DaData `data.state.status`)."""

    ACTIVE = "ACTIVE"
    LIQUIDATING = "LIQUIDATING"
    LIQUIDATED = "LIQUIDATED"
    BANKRUPT = "BANKRUPT"
    REORGANIZING = "REORGANIZING"


# Doing business with these is a risk the manager must see: the card carries a badge and a
# new order for the client warns.
FLAGGED = frozenset({CompanyStatus.LIQUIDATING, CompanyStatus.LIQUIDATED, CompanyStatus.BANKRUPT})


def status_of(raw: object) -> CompanyStatus | None:
    """DaData's status word as a status; None for anything else (a value added later)."""
    if isinstance(raw, str):
        try:
            return CompanyStatus(raw.strip().upper())
        except ValueError:
            return None
    return None


class RegistryFailure(enum.StrEnum):
    """Why the registry gave no answer: the key is refused (bad key, quota used up), too many
    requests, or anything else (network, timeout, 5xx, a body we cannot read)."""

    REFUSED = "refused"
    BUSY = "busy"
    UNAVAILABLE = "unavailable"


class RegistryError(Exception):
    """The company registry failed; `failure` says how (never the key or the query)."""

    def __init__(self, failure: RegistryFailure) -> None:
        super().__init__(failure.value)
        self.failure = failure


@dataclass(frozen=True, slots=True)
class Company:
    """A legal entity (10-digit INN, KPP, 13-digit OGRN) or a sole trader (12-digit INN,
    15-digit OGRNIP, no KPP). `branch`: MAIN or BRANCH (a branch has its own KPP), None when
    typed by hand; `checked_at`: when the registry answered (None: typed by hand)."""

    inn: str
    name: str
    kpp: str | None = None
    ogrn: str | None = None
    short_name: str | None = None
    address: str | None = None
    status: CompanyStatus | None = None
    liquidation_date: date | None = None
    individual: bool = False
    branch: str | None = None
    checked_at: datetime | None = None

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    @property
    def label(self) -> str:
        """The short name when there is one (buttons, lists), else the full one."""
        return self.short_name or self.name
