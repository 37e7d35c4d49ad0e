"""De-identification: personal data out of text before it goes to a language model, and back.

`deidentify` swaps names, phones, e-mails, card numbers and addresses for placeholders such as
`[PERSON_1]`; `restore` swaps them back in the answer. The same text always gets the same
placeholder. Detection is generous (a word that is also a client's name is hidden too), but
money ("3 500 руб"), times ("10:30"), dates ("25.12") and order numbers ("№12") stay.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Redacted", "deidentify", "restore"]

PLACEHOLDER = re.compile(r"\[\s*(PERSON|PHONE|EMAIL|ADDRESS|CARD)_(\d+)\s*\]", re.IGNORECASE)

_SEP = r"[ \t\u00a0]?[-.\u2010-\u2015]?[ \t\u00a0]?"  # "916 123", "916-123", "916 - 123"
_START = r"(?<![\w+])"
_END = r"(?![\d])"
_AREA = r"(?:\(\s?\d{3}\s?\)|\d{3})"
_RU_TAIL = rf"{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
_PHONES = (
    # +7 / 8 / 7 with a 10-digit national number: +7 (916) 123-45-67, 8-916-123-45-67
    re.compile(rf"{_START}(?:\+\s?7|8|7){_SEP}{_AREA}{_RU_TAIL}{_END}"),
    # a national number without the prefix: (495) 123-45-67, 916 123 45 67
    re.compile(rf"{_START}{_AREA}{_RU_TAIL}{_END}"),
    # North American style without a prefix: (555) 123-4567, 555.123.4567
    re.compile(rf"{_START}{_AREA}{_SEP}\d{{3}}{_SEP}\d{{4}}{_END}"),
    # a city number: 123-45-67
    re.compile(rf"{_START}\d{{3}}-\d{{2}}-\d{{2}}{_END}"),
)
# Other countries, always with "+": +44 20 7946 0958, +1 (555) 123-4567, +49 30 123456.
_INTERNATIONAL = re.compile(
    rf"{_START}\+\s?(?!7)\d{{1,3}}(?:{_SEP}(?:\(\d{{1,5}}\)|\d{{1,5}})){{1,6}}"
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
_NOTHING = re.compile(r"(?!)")
_DIGITS = re.compile(r"\d+")
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

# Russian case endings after a name's stem: Иван -> Ивана, Ивану, Иваном; Мария -> Марию.
_ENDINGS = (
    "ого|его|ому|ему|ами|ями|ой|ей|ою|ею|ом|ем|ым|им|ых|их|ую|юю|ая|яя|ий|ый|ам|ям|ах|ях"
    "|а|я|у|ю|е|и|ы|о|ь|й"
)
_ADDRESS_SEP = r"[\s,.;:/№-]*"
# Abbreviations a known address may be written with or without: "ул", "д", "кв".
_ABBREVIATIONS = "г гор ул д дом кв корп к стр пр пер ш пл наб обл р н мкр оф эт под б apt st flat"
_ADDRESS_WORDS = frozenset(re.findall(r"\w+", _ABBREVIATIONS))
_ADJECTIVE_END = ("ий", "ый", "ой", "ая", "яя")
_CONSONANTS = "бвгджзклмнпрстфхцчшщ"
_CONSONANT_PAIRS = frozenset(a + b for a in _CONSONANTS for b in _CONSONANTS)


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
    text: str, known_names: Iterable[str] = (), known_addresses: Iterable[str] = ()
) -> Redacted:
    """`text` with personal data replaced by stable placeholders (see the module docstring)."""
    spans = _choose(_find_all(text, list(known_names), list(known_addresses)))
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
    for pattern in (*_RU_STREETS, _EN_STREET, _known_pattern(addresses)):
        spans += [_Span(m.start(), m.end(), "ADDRESS", 4) for m in pattern.finditer(text)]
    spans += [_Span(m.start(), m.end(), "PERSON", 6) for m in _names_pattern(names).finditer(text)]
    return [s for s in spans if s.end > s.start]


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


def _letters(word: str) -> str:
    """A regex for the word, case-insensitive through the flags, with ё and е alike."""
    return "".join("[её]" if c in "её" else re.escape(c) for c in word.casefold())


def _name_token(word: str) -> str:
    """The word and, for Cyrillic names, its case forms (Петров -> Петрова, Петровым)."""
    folded = word.casefold().replace("ё", "е")
    if not re.fullmatch(r"[а-я-]+", folded):
        return _letters(folded)
    stems = {stem := _stem(folded)}
    if len(stem) >= 4 and stem[-3] + stem[-1] in _CONSONANT_PAIRS and stem[-2] in "ео":
        stems.add(stem[:-2] + stem[-1])  # a fleeting vowel: Павел -> Павла
    alternatives = "|".join(_letters(s) for s in sorted(stems, key=len, reverse=True))
    return f"(?:{alternatives})(?:{_ENDINGS})?"


def _stem(folded: str) -> str:
    if len(folded) >= 5 and folded.endswith(_ADJECTIVE_END):
        return folded[:-2]
    return folded[:-1] if len(folded) >= 3 and folded[-1] in "аяоеьйыиу" else folded


def _names_pattern(names: list[str]) -> re.Pattern[str]:
    """One or more name words in a row: "Ивана Петрова" is one person, not two."""
    words = {w for name in names for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 2}
    if not words:
        return _NOTHING
    token = "|".join(_name_token(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{token})(?:(?:\s+|-)(?:{token}))*(?!\w)", re.IGNORECASE)


def _known_pattern(addresses: list[str]) -> re.Pattern[str]:
    """Known addresses and their telling parts, however they are punctuated."""
    variants: set[str] = set()
    for address in addresses:
        tokens = re.findall(r"\w+", address)
        for first in range(len(tokens)):
            for last in range(first + 1, len(tokens) + 1):
                part = tokens[first:last]
                if _telling(part) and not _optional(part[0]) and not _optional(part[-1]):
                    variants.add(_address_part(part))
    if not variants:
        return _NOTHING
    joined = "|".join(sorted(variants, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


def _address_part(tokens: list[str]) -> str:
    """Tokens in order, any punctuation between; short words ("д", "кв", "ул") may be left out."""
    last = len(tokens) - 1
    pieces = [_letters(t) + ("" if i == last else _ADDRESS_SEP) for i, t in enumerate(tokens)]
    return "".join(f"(?:{p})?" if _optional(t) else p for p, t in zip(pieces, tokens, strict=True))


def _optional(token: str) -> bool:
    return token.casefold() in _ADDRESS_WORDS


def _telling(tokens: list[str]) -> bool:
    """Enough to find a home: a number and a word of three letters or more."""
    has_number = any(t.isdigit() for t in tokens)
    return has_number and any(len(t) >= 3 and not t.isdigit() and not _optional(t) for t in tokens)
