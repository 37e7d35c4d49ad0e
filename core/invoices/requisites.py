"""The organization's details printed on its invoices: legal name, INN/KPP, address and bank
details, checked as Russian registries define them (INN 10 or 12 digits with its check
digits, KPP 9, BIK 9, settlement and correspondent accounts 20)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from core.companies.checks import inn_valid as inn_valid
from core.errors import DomainError

NAME_MAX = 200
ADDRESS_MAX = 300


@dataclass(frozen=True, slots=True)
class Requisites:
    legal_name: str = ""
    inn: str = ""
    kpp: str = ""
    address: str = ""
    bank_name: str = ""
    bik: str = ""
    account: str = ""
    corr_account: str = ""

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def _digits(value: str, count: int) -> bool:
    return len(value) == count and value.isdigit() and value.isascii()


def check_requisites(given: Requisites) -> Requisites:
    """The details cleaned (spaces collapsed, digits without spaces), or a domain error naming
    the first wrong field. Empty fields are allowed: an invoice prints what is set."""
    clean = {f.name: " ".join(str(getattr(given, f.name)).split()) for f in fields(given)}
    for key in ("inn", "kpp", "bik", "account", "corr_account"):
        clean[key] = clean[key].replace(" ", "")
    if len(clean["legal_name"]) > NAME_MAX or len(clean["bank_name"]) > NAME_MAX:
        raise DomainError("text_too_long", limit=NAME_MAX, length=len(clean["legal_name"]))
    if len(clean["address"]) > ADDRESS_MAX:
        raise DomainError("text_too_long", limit=ADDRESS_MAX, length=len(clean["address"]))
    if clean["inn"] and not inn_valid(clean["inn"]):
        raise DomainError("inn_invalid")
    if clean["kpp"] and not _digits(clean["kpp"], 9):
        raise DomainError("kpp_invalid")
    if clean["bik"] and not _digits(clean["bik"], 9):
        raise DomainError("bik_invalid")
    for key in ("account", "corr_account"):
        if clean[key] and not _digits(clean[key], 20):
            raise DomainError("account_invalid")
    return Requisites(**clean)
