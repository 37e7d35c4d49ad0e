"""De-identification: personal data out of text before it goes to a language model, and back.

`deidentify` swaps names, phones, e-mails, card numbers, addresses, document numbers
(passport, SNILS, INN) and Telegram usernames for placeholders such as `[PERSON_1]`; `restore`
swaps them back in the answer. The same text always gets the same placeholder. Detection is
generous (a word that is also a client's name is hidden too), but money ("3 500 руб"), times
("10:30"), dates ("25.12") and order numbers ("№12") stay. What the CRM knows (names and
addresses on file) comes in as arguments; people and places nobody typed in come from
`found`, the spans a named-entity recognizer (an `EntityFinder`) returned for this text, and
from patterns here (`core.deid_documents`, `core.deid_places`, `core.deid_english`).
See docs/deidentification.md.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from core.deid_documents import documents, national_phones, usernames
from core.deid_english import english_addresses, english_names
from core.deid_known import known_pattern, names_pattern
from core.deid_places import russian_addresses
from core.deid_russian import russian_names
from core.service_ports import Entity

__all__ = ["Entity", "Redacted", "deidentify", "find_spans", "restore"]

PLACEHOLDER = re.compile(
    r"\[\s*(PERSON|PHONE|EMAIL|ADDRESS|CARD|DOCUMENT|USERNAME)_(\d+)\s*\]", re.IGNORECASE
)

_SEP = r"[ \t\u00a0]?[-.\u2010-\u2015]?[ \t\u00a0]?"  # "916 123", "916-123", "916 - 123"
_START = r"(?<![\w+])"
_END = r"(?![\d])"
_AREA = r"(?:\(\s?\d{3}\s?\)|\d{3})"
_RU_TAIL = rf"{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
_PHONES = (
    re.compile(rf"{_START}(?:\+\s?7|8|7){_SEP}{_AREA}{_RU_TAIL}{_END}"),  # +7 (916) 123-45-67
    # a national number without the prefix: (495) 123-45-67, 916 123 45 67
    re.compile(rf"{_START}{_AREA}{_RU_TAIL}{_END}"),
    # North American style without a prefix: (555) 123-4567, 555.123.4567
    re.compile(rf"{_START}{_AREA}{_SEP}\d{{3}}{_SEP}\d{{4}}{_END}"),
    re.compile(rf"{_START}\d{{3}}-\d{{2}}-\d{{2}}{_END}"),  # a city number: 123-45-67
)
# Other countries, always with "+": +44 20 7946 0958, +1 (555) 123-4567, +49 30 123456.
_INTERNATIONAL = re.compile(
    rf"{_START}\+\s?(?!7)\d{{1,3}}(?:{_SEP}(?:\(\d{{1,5}}\)|\d{{1,6}})){{1,6}}"
)
# Money right after a number ends it: "+1 555 123 4567 3 500 руб" keeps "3 500 руб".
_CURRENCY = re.compile(
    r"(?:[ \u00a0]\d{3})*\s?(?:руб|р\.|р\b|₽|rub|usd|eur|[$€](?!\s?\d)|доллар|евро|тыс|млн|тенге)",
    re.IGNORECASE,
)
# Numbers that identify nobody and must come through whole: times, dates, order numbers, money.
_KEEP = re.compile(
    r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])"
    r"|(?<![\d.+])(?:[0-2]?\d|3[01])\.(?:0?[1-9]|1[0-2])(?:\.(?:\d{4}|\d{2}))?(?!\d|\.\d)"
    r"|[№#]\s?\d{1,8}(?!\d)|[$€£]\s?\d+(?:[ ,.]\d{3}(?!\d))*"
    r"|(?<!\d)(?<!\d[ \u00a0])\d{1,3}(?:[ \u00a0]\d{3}(?!\d))+\s?(?i:руб|р\.|₽)"
)
_DIGIT_RUN = re.compile(rf"{_START}\d+(?:[ \-]\d+)*{_END}")
_DIGITS = re.compile(r"\d+")
_GLUE = re.compile(r"[\s,]*")
_FOUND_RANK = {"PHONE": 2, "ADDRESS": 5, "PERSON": 6}
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

_STREET_TYPE = (
    r"(?:ул\.|ул\b|улиц[аеуы]\b|пр-т\b|пр-кт\b|просп\.|проспект\w*|пер\.|переул\w*|ш\.|шоссе"
    r"|б-р\b|бульвар\w*|пл\.|площад\w*|наб\.|набережн\w*|проезд\w*|мкр\.|мкр\b"
    r"|микрорайон\w*|тупик\w*|алле[яеи]\b)"
)
_CAPITAL = r"[A-ZА-ЯЁ][\w-]*"
_NAME = rf"(?:\d{{1,3}}-?[а-яё]{{0,3}}\s+)?{_CAPITAL}(?:\s+{_CAPITAL}){{0,2}}"  # "8 Марта"
_LOWER_NAME = r"(?:\d{1,3}-?[а-яё]{0,3}\s+)?[^\W\d_][\w-]*"
_NUMBER = r"\d+(?:[а-яa-z]\d*)?(?:/\d+)?(?!\d|[.:]\d|\s?(?i:руб|р\.|₽|rub|тыс))"
_LABEL = (
    r"(?i:д\.|дом|корп\.|корпус|к\.|стр\.|строение|кв\.|квартира|оф\.|офис|подъезд|под\."
    r"|этаж|эт\.)"
)
_FIRST_NUMBER = rf"\s*,?\s*(?:(?i:д\.|дом)\s*)?{_NUMBER}"
_MORE_NUMBERS = rf"(?:\s*,?\s*{_LABEL}\s*{_NUMBER})*"
_CITY = r"(?:(?:г\.|город)\s*[А-ЯЁ][\w-]*\s*,?\s*)?"
_TYPE = rf"(?i:{_STREET_TYPE})"
_RU_STREETS = (
    # "ул. Ленина, д. 5, кв. 12", "ул ленина 5" (lower case only with a number)
    re.compile(
        rf"(?<!\w){_CITY}{_TYPE}\s*(?:{_NAME}(?:{_FIRST_NUMBER})?"
        rf"|{_LOWER_NAME}{_FIRST_NUMBER}){_MORE_NUMBERS}"
    ),
    # "Ленинский проспект, 12", "Каширское шоссе д. 5 корп. 2"
    re.compile(rf"(?<!\w){_CITY}{_CAPITAL}\s+{_TYPE}(?:{_FIRST_NUMBER})?{_MORE_NUMBERS}"),
    # a house or a flat without a street: "д. 5, кв. 12", "дом 7", "кв. 3"
    re.compile(rf"(?<!\w)(?i:д\.|дом|кв\.|квартира)\s*{_NUMBER}{_MORE_NUMBERS}"),
)
_EN_STREET = re.compile(
    r"(?<!\w)(?:(?i:apt|apartment|flat|suite|unit)\.?\s*\w+,?\s+)?\d+[A-Za-z]?\s+"
    r"(?:[A-Z][a-z'-]*\s+){1,3}(?i:street|st\.|avenue|ave\.|road|rd\.|lane|ln\.|boulevard"
    r"|blvd\.|drive|dr\.|court|place|square|way|terrace|close|crescent)(?!\w)"
    r"(?:,?\s*(?i:apt|apartment|flat|suite|unit|#)\.?\s*\w+)?"
)


@dataclass(frozen=True, slots=True)
class Redacted:
    """The text with placeholders, and what each placeholder stands for."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict)


class _Span(NamedTuple):
    start: int
    end: int
    kind: str
    rank: int


def deidentify(
    text: str,
    known_names: Iterable[str] = (),
    known_addresses: Iterable[str] = (),
    found: Iterable[Entity] = (),
) -> Redacted:
    """`text` with personal data replaced by stable placeholders (see the module docstring)."""
    spans = find_spans(text, known_names, known_addresses, found)
    used = {_key(m) for m in PLACEHOLDER.finditer(text)}
    placeholders: dict[tuple[str, str], str] = {}
    parts: list[str] = []
    cursor = 0
    for span in spans:
        key = (span.kind, text[span.start : span.end])
        if key not in placeholders:
            placeholders[key] = _unused(span.kind, used)
        parts += [text[cursor : span.start], placeholders[key]]
        cursor = span.end
    mapping = {placeholder: value for (_, value), placeholder in placeholders.items()}
    return Redacted("".join([*parts, text[cursor:]]), mapping)


def find_spans(
    text: str,
    known_names: Iterable[str] = (),
    known_addresses: Iterable[str] = (),
    found: Iterable[Entity] = (),
) -> list[_Span]:
    """What `deidentify` hides: non-overlapping spans in text order."""
    spans = _find_all(text, list(known_names), list(known_addresses))
    spans += [_Span(e.start, e.end, e.kind, _FOUND_RANK[e.kind]) for e in found]
    taken = [m.span() for m in PLACEHOLDER.finditer(text)]  # a placeholder stays whole
    spans = [
        s for s in spans if s.end > s.start and all(s.end <= a or s.start >= b for a, b in taken)
    ]
    return _merge(text, _choose(_unite(spans)))


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the original values back wherever the model echoed a placeholder (any case)."""
    return PLACEHOLDER.sub(lambda m: mapping.get(_key(m), m.group(0)), text)


def _key(match: re.Match[str]) -> str:
    return f"[{match.group(1).upper()}_{int(match.group(2))}]"


def _unused(kind: str, used: set[str]) -> str:
    """The next `[KIND_n]` not yet used, nor already present in the original text."""
    placeholder = next(p for n in itertools.count(1) if (p := f"[{kind}_{n}]") not in used)
    used.add(placeholder)
    return placeholder


def _choose(spans: list[_Span]) -> list[_Span]:
    """Non-overlapping spans: by rank first, then the longer one; in text order."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.rank, s.start - s.end, s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _find_all(text: str, names: list[str], addresses: list[str]) -> list[_Span]:
    spans = [_Span(m.start(), m.end(), "EMAIL", 0) for m in _EMAIL.finditer(text)]
    runs = (_DIGITS.finditer(text, r.start(), r.end()) for r in _DIGIT_RUN.finditer(text))
    spans += [card for run in runs for card in _card_windows(text, [m.span() for m in run])]
    spans += _phones(text)
    for pattern in (*_RU_STREETS, _EN_STREET, known_pattern(addresses)):
        spans += [_Span(m.start(), m.end(), "ADDRESS", 4) for m in pattern.finditer(text)]
    spans += [_Span(m.start(), m.end(), "PERSON", 6) for m in names_pattern(names).finditer(text)]
    spans += [_Span(*s, "USERNAME", 0) for s in usernames(text)]
    spans += [_Span(*s, "DOCUMENT", 1) for s in documents(text)]
    spans += [_Span(*s, "PHONE", 2) for s in national_phones(text) if _standalone(text, *s)]
    places = (*russian_addresses(text), *english_addresses(text))
    spans += [_Span(*s, "ADDRESS", 4) for s in places]
    people = (*english_names(text), *russian_names(text))
    return spans + [_Span(*s, "PERSON", 7) for s in people]


def _overlaps(span: _Span, other: tuple[int, int]) -> bool:
    return span.start < other[1] and other[0] < span.end


def _unite(spans: list[_Span]) -> list[_Span]:
    """Overlapping people, or overlapping places, become one span (the best rank of them)."""
    united: list[_Span] = [s for s in spans if s.kind not in ("PERSON", "ADDRESS")]
    for kind in ("PERSON", "ADDRESS"):
        current: _Span | None = None
        for span in sorted((s for s in spans if s.kind == kind), key=lambda s: s.start):
            if current is not None and span.start < current.end:
                current = _Span(
                    current.start, max(current.end, span.end), kind, min(current.rank, span.rank)
                )
                continue
            if current is not None:
                united.append(current)
            current = span
        if current is not None:
            united.append(current)
    return united


def _merge(text: str, spans: list[_Span]) -> list[_Span]:
    """Address parts next to each other are one address: "Москва, [Ленинский проспект 32]"."""
    merged: list[_Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == span.kind == "ADDRESS"
            and _GLUE.fullmatch(text, last.end, span.start)
        ):
            merged[-1] = last._replace(end=span.end)
        else:
            merged.append(span)
    return merged


def _card_windows(text: str, groups: list[tuple[int, int]]) -> list[_Span]:
    """The longest Luhn-valid stretches of 13-19 digits grouped like cards, in a digit run."""
    for size in range(min(len(groups), 19), 0, -1):
        for first in range(len(groups) - size + 1):
            if _is_card(text, groups[first : first + size]):
                start, end = groups[first][0], groups[first + size - 1][1]
                sides = (groups[:first], groups[first + size :])
                found = [card for side in sides for card in _card_windows(text, side)]
                return [_Span(start, end, "CARD", 1), *found]
    return []


def _is_card(text: str, window: list[tuple[int, int]]) -> bool:
    """13-19 digits, in one group or groups of 4-6 (the last one shorter), Luhn-valid."""
    start, end = window[0][0], window[-1][1]
    digits = [int(c) for c in text[start:end] if c.isdigit()]
    if not 13 <= len(digits) <= 19 or any(not 4 <= e - s <= 6 for s, e in window[:-1]):
        return False
    doubled = [d * 2 if i % 2 else d for i, d in enumerate(reversed(digits))]
    return sum(d - 9 if d > 9 else d for d in doubled) % 10 == 0 and _standalone(text, start, end)


def _standalone(text: str, start: int, end: int) -> bool:
    """Not part of an amount, a time, a date or an order number, nor followed by money."""
    overlaps = any(s < end and start < e for s, e in _kept(text))
    return not overlaps and not _CURRENCY.match(text, end)


@functools.lru_cache(maxsize=4)
def _kept(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _KEEP.finditer(text))


def _phones(text: str) -> list[_Span]:
    found = []
    for pattern in _PHONES:
        for m in pattern.finditer(text):
            if _standalone(text, m.start(), m.end()):
                found.append(_Span(m.start(), m.end(), "PHONE", 2))
    for match in _INTERNATIONAL.finditer(text):
        end = _trim_international(text, match, found)
        if end is None and (end := _trim_international(text, match, [])) is not None:
            # "+44 7000 000000. 2000": a national look-alike inside the number loses
            found = [p for p in found if p.end <= match.start() or p.start >= end]
        if end is not None:
            found.append(_Span(match.start(), end, "PHONE", 2))
    return found


def _trim_international(text: str, match: re.Match[str], phones: list[_Span]) -> int | None:
    """Where it ends: no more than 15 digits, not into money or into the next phone number."""
    groups = list(re.finditer(r"\d+\)?", text[match.start() : match.end()]))
    while groups:
        end = match.start() + groups[-1].end()
        digits = sum(len(g.group(0).rstrip(")")) for g in groups)
        cuts = any(p.start < end < p.end for p in phones)
        if 8 <= digits <= 15 and not cuts and _standalone(text, match.start(), end):
            return end
        groups.pop()
    return None
