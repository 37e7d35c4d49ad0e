"""English names and addresses without a model: capital letters, titles and house numbers.

A capitalised word in the middle of a sentence is a name unless it is a month, a weekday, a
language or a brand (`core.deid_words.PROPER`); at the start of a sentence it is a name
unless it is also an ordinary word (`COMMON`). Titles ("Mrs", "Dr.", "Uncle") join the name
after them; names in a row are one person. Addresses: a house number and capitalised words
("42 Baker Street", "3/15 King Street", "250 Bishopsgate, 5th floor"), a street with
"number 27", "at number 14", and flats or units ("flat 12", "Apt 2C"). Skipped where most
letters are Cyrillic: there Latin words are brands and the Russian model finds the names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.deid_words import COMMON, PROPER, TITLES

__all__ = ["english_addresses", "english_names", "mostly_latin"]

_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]*(?:['’][A-Z][a-z]+|-[A-Z][a-z]+)*(?![\w-])")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“\n]|\s[-–—])\s*$")
_JOIN = re.compile(r"[ \u00a0]|\.[ \u00a0]")
_AND = re.compile(r"\.?[ \u00a0](?:and|&)[ \u00a0]")  # "Mr and Mrs Clarke": after titles only
_STREET_TYPE = (
    r"(?i:street|st\.?|avenue|ave\.?|road|rd\.?|lane|ln\.?|boulevard|blvd\.?|drive|dr\.?|court"
    r"|ct\.?|place|pl\.?|square|sq\.?|way|terrace|close|crescent|gardens|grove|hill|park|row"
    r"|mews|parade|walk|highway|hwy)"
)
_CAP = r"[A-Z][A-Za-z'’-]*"
_UNIT = r"(?i:flat|apt|apartment|unit|suite|ste|room|#)\.?\s*#?\d+[A-Za-z]?(?![\w:])"
_TAIL = rf"(?:,?\s*{_UNIT}|,?\s*\d{{1,2}}(?:st|nd|rd|th)\s+floor)?"
_HOUSE = re.compile(
    rf"(?<![\w$£€.,:/#-])(?:{_UNIT},?\s+)?\d{{1,5}}(?:/\d{{1,4}})?[A-Za-z]?(?![\w:.,/])\s+"
    rf"(?P<first>{_CAP})(?:\s+{_CAP}){{0,3}}{_TAIL}"
)
_NAMED_STREET = re.compile(
    rf"(?<!\w){_CAP}(?:\s+{_CAP}){{0,2}}\s+{_STREET_TYPE}(?!\w),?\s*(?i:number|no\.?|#)\s*\d+"
    rf"[A-Za-z]?{_TAIL}"
)
_AT_NUMBER = re.compile(
    r"(?<!\w)(?:at|in|to|from|on|of)\s+(?P<at>(?i:number|no\.?|#)\s*\d{1,5}[A-Za-z]?)(?![\w:.,]\d)"
)
_FLAT = re.compile(
    r"(?<![\w-])(?i:flat|apt|apartment|unit|suite|ste)\.?\s*#?\d+[A-Za-z]?(?![\w:])"
)
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[A-Za-z]")


def mostly_latin(text: str) -> bool:
    return len(_LATIN.findall(text)) > len(_CYRILLIC.findall(text))


def english_names(text: str) -> Iterator[tuple[int, int]]:
    """People by capital letters: each run of name words with the titles before it."""
    if not mostly_latin(text):
        return
    runs: list[list[int]] = []  # [start, end, whether a name (not only titles) is in it]
    for match in _WORD.finditer(text):
        key = match.group(0).casefold()
        last = runs[-1] if runs else None
        joins = last is not None and bool(
            _JOIN.fullmatch(text, last[1], match.start())
            or (not last[2] and _AND.fullmatch(text, last[1], match.start()))
        )
        title = key in TITLES
        name = not title and _is_name(text, match.start(), key, joins and bool(last and last[2]))
        if not (title or name):
            continue
        end = _title_end(text, match) if title else match.end()
        if last is not None and joins:
            last[1], last[2] = end, last[2] or name
        else:
            runs.append([match.start(), end, name])
    yield from ((start, end) for start, end, name in runs if name)


def english_addresses(text: str) -> Iterator[tuple[int, int]]:
    for match in _HOUSE.finditer(text):
        if match.group("first").casefold() not in PROPER:
            yield match.span()
    yield from (m.span("at") for m in _AT_NUMBER.finditer(text))
    for pattern in (_NAMED_STREET, _FLAT):
        yield from (m.span() for m in pattern.finditer(text))


def _is_name(text: str, start: int, key: str, after_name: bool) -> bool:
    word = text[start : start + len(key)]
    if key in PROPER or len(key) < 2 or word.isupper():
        return False
    if after_name or not _SENTENCE_END.search(text, 0, start):
        return True
    return key not in COMMON


def _title_end(text: str, match: re.Match[str]) -> int:
    """A title with its dot: "Dr." is one word."""
    end = match.end()
    return end + 1 if text[end : end + 1] == "." else end
