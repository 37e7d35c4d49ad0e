"""Document numbers, Telegram usernames and national phone numbers of other countries.

Passports are found by their shape (a series of 2+2 digits and a 6-digit number, written
together, with spaces or with "№", or named as "серия ... номер ..."); SNILS and INN by their
shape and check digits, or by the word in front of them; usernames by "@" and Telegram's
rules (5-32 letters, digits and underscores; 4 allowed, as people shorten them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["documents", "is_inn", "is_snils", "national_phones", "usernames"]

_B = r"(?<![\w+/.,-])(?<!\d[ \u00a0])"  # not inside a number, a date, an amount, a word
_E = r"(?![\w/]|[.,]\d)"
_PASSPORT = re.compile(
    rf"{_B}\d{{2}}[ \u00a0]?\d{{2}}(?:[ \u00a0]?№[ \u00a0]?|[ \u00a0])\d{{6}}{_E}"
)
_SERIES = re.compile(r"(?i:сери[яиюей]|series)\s*:?\s*(\d{2}[ \u00a0]?\d{2})(?!\d)")
_NUMBER_AFTER_SERIES = re.compile(r"(?i:номер|№|number|no\.?)\s*:?\s*(\d{6})(?!\d)")
_SNILS = re.compile(rf"{_B}\d{{3}}[- \u00a0]?\d{{3}}[- \u00a0]?\d{{3}}[- \u00a0]?\d{{2}}{_E}")
_INN = re.compile(rf"{_B}(?:\d{{12}}|\d{{10}}){_E}")
_NAMED = re.compile(
    r"(?i:паспорт\w*|passport|снилс|snils|инн|inn)(?:\s+(?:number|no\.?|номер|№|is|мой|мамы"
    r"|организации|гражданина))*\s*:?\s*(\d[\d \u00a0-]{8,14}\d)(?!\d)"
)
_USERNAME = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@]|\.[A-Za-z])")
# National numbers of other countries written without "+": 020 7946 0958, 07700 900123,
# 0151 23456789 (a leading 0 and 10-11 digits in 2-3 groups; Russian numbers begin with 8).
_TRUNK_ZERO = re.compile(rf"{_B}0\d{{2,4}}(?:[ \u00a0-]\d{{3,8}}){{1,2}}{_E}")

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def documents(text: str) -> Iterator[tuple[int, int]]:
    """Where passport, SNILS and INN numbers are."""
    for match in _PASSPORT.finditer(text):
        yield match.span()
    for match in _SNILS.finditer(text):
        if is_snils(match.group(0)):
            yield match.span()
    for match in _INN.finditer(text):
        if is_inn(match.group(0)):
            yield match.span()
    for match in _NAMED.finditer(text):
        if len(_digits(match.group(1))) in (10, 11, 12):
            yield match.span(1)
    for series in _SERIES.finditer(text):
        yield series.span(1)
        number = _NUMBER_AFTER_SERIES.search(text, series.end(), series.end() + 30)
        if number is not None:
            yield number.span(1)


def usernames(text: str) -> Iterator[tuple[int, int]]:
    return (m.span() for m in _USERNAME.finditer(text))


def national_phones(text: str) -> Iterator[tuple[int, int]]:
    for match in _TRUNK_ZERO.finditer(text):
        if len(_digits(match.group(0))) in (10, 11):
            yield match.span()


def is_snils(text: str) -> bool:
    """11 digits whose last two check the first nine (numbers above 001-001-998)."""
    digits = _digits(text)
    if len(digits) != 11 or digits[:9] <= "001001998":
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    check = total % 101 if total > 101 else total
    return int(digits[9:]) == (0 if check == 100 else check)


def is_inn(text: str) -> bool:
    """A 10-digit (organisation) or 12-digit (person) INN with valid check digits."""
    digits = [int(d) for d in _digits(text)]
    if len(digits) == 10:
        return _check(digits, _INN10) == digits[9]
    if len(digits) == 12:
        return _check(digits, _INN11) == digits[10] and _check(digits, _INN12) == digits[11]
    return False


def _check(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)
