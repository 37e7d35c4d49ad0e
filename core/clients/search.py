"""What a client search matches on: one normalised document per client, and query terms.

The document holds the case-folded name (ё folded to е), the digits of every phone, in
international form and, for Russian numbers, in the domestic 8-prefixed form people type, and
for a business client the company's INN, OGRN and names from the registry. A query is split
into terms; every term must occur somewhere in the document (substring).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.companies.model import Company
from core.text import search_key

_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d")
MIN_TRIGRAM = 3


def phone_digits(e164: str) -> list[str]:
    """The digit strings a person might type for a phone stored as E.164."""
    digits = "".join(_DIGITS.findall(e164))
    forms = [digits]
    if digits.startswith("7") and len(digits) == 11:
        forms.append("8" + digits[1:])
    return forms


def search_document(name: str, phones: Iterable[str], extra: Iterable[str] = ()) -> str:
    parts = [search_key(name)]
    for phone in phones:
        parts.extend(phone_digits(phone))
    parts.extend(search_key(text) for text in extra if text)
    return " ".join(p for p in parts if p)


def company_terms(company: Company | None) -> list[str]:
    """What of a business client's registry details a search finds it by: a manager types the
    INN from an invoice or the name the company goes by."""
    if company is None:
        return []
    return [t for t in (company.inn, company.ogrn, company.name, company.short_name) if t]


def matches(
    query: SearchQuery, name: str, phones: Iterable[str], extra: Iterable[str] = ()
) -> bool:
    """The rule the databases apply, for a handful of clients in memory: every term occurs
    in the client's document."""
    document = search_document(name, phones, extra)
    return all(term in document for term in query.terms)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> SearchQuery:
    """'Иванов +7 (916) 123' -> ('иванов', '7916123'): phone punctuation joins digit runs."""
    folded = search_key(text)
    joined = re.sub(r"(?<=\d)[\s()\-.]+(?=\d)", "", folded.replace("+", " "))
    terms = [t for t in _TERM.findall(joined) if t]
    return SearchQuery(tuple(dict.fromkeys(terms)))
