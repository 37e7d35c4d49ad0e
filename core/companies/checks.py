"""Russian registry numbers with their check digits (INN, OGRN, OGRNIP, KPP) and what a typed
search is: a number to look up directly or a name to search for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import DomainError

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
# The tax office code (4 digits), the reason (2 digits or capital Latin letters), a number.
_KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")
NAME_MIN = 3  # fewer letters match half the register
NAME_MAX = 300


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(inn: str) -> bool:
    """A legal entity's 10-digit INN or a person's 12-digit one, check digits included."""
    if not _digits(inn):
        return False
    if len(inn) == 10:
        return _weighted(inn, _INN10) == int(inn[9])
    if len(inn) == 12:
        return _weighted(inn, _INN11) == int(inn[10]) and _weighted(inn, _INN12) == int(inn[11])
    return False


def ogrn_valid(ogrn: str) -> bool:
    """OGRN (13 digits: the first 12 mod 11, last digit of that) or a sole trader's OGRNIP
    (15 digits: the first 14 mod 13, last digit of that)."""
    if not _digits(ogrn):
        return False
    if len(ogrn) == 13:
        return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    if len(ogrn) == 15:
        return int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    return False


def kpp_valid(kpp: str) -> bool:
    return len(kpp) == 9 and bool(_KPP.fullmatch(kpp))


def compact(text: str | None) -> str:
    """A typed number without spaces, dashes or dots ("77 07-083 893" -> "7707083893")."""
    return re.sub(r"[\s\-.]", "", text or "")


@dataclass(frozen=True, slots=True)
class PartyQuery:
    """`number`: an INN or OGRN to find directly; otherwise `text` is a name to search."""

    text: str
    number: bool


def party_query(typed: str | None) -> PartyQuery:
    """What was typed as a search: a valid INN/OGRN, or a name of at least three letters.
    Digits of an INN's or OGRN's length with wrong check digits are refused, not searched."""
    text = " ".join((typed or "").split())
    number = compact(text)
    if _digits(number):
        if len(number) in (10, 12):
            if not inn_valid(number):
                raise DomainError("inn_invalid")
            return PartyQuery(number, True)
        if len(number) in (13, 15):
            if not ogrn_valid(number):
                raise DomainError("ogrn_invalid")
            return PartyQuery(number, True)
        raise DomainError("company_query_invalid")
    if len(text) < NAME_MIN or len(text) > NAME_MAX:
        raise DomainError("company_query_invalid")
    return PartyQuery(text, False)


def checked_inn(typed: str | None) -> str:
    inn = compact(typed)
    if not inn_valid(inn):
        raise DomainError("inn_invalid")
    return inn


def checked_kpp(typed: str | None) -> str | None:
    """A KPP, or None for "-" / nothing (a sole trader has none)."""
    kpp = compact(typed).upper()
    if kpp in ("", "-"):
        return None
    if not kpp_valid(kpp):
        raise DomainError("kpp_invalid")
    return kpp


def checked_ogrn(typed: str | None) -> str | None:
    ogrn = compact(typed)
    if ogrn in ("", "-"):
        return None
    if not ogrn_valid(ogrn):
        raise DomainError("ogrn_invalid")
    return ogrn
