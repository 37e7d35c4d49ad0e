"""Hiding what the CRM already knows: a client's names in their case forms, known addresses.

Used by `core.deid`; the words come from the client card, the team and the order.
"""

from __future__ import annotations

import re

__all__ = ["known_pattern", "letters", "names_pattern"]

NOTHING = re.compile(r"(?!)")

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


def letters(word: str) -> str:
    """A regex for the word, case-insensitive through the flags, with ё and е alike."""
    return "".join("[её]" if c in "её" else re.escape(c) for c in word.casefold())


def _name_token(word: str) -> str:
    """The word and, for Cyrillic names, its case forms (Петров -> Петрова, Петровым)."""
    folded = word.casefold().replace("ё", "е")
    if not re.fullmatch(r"[а-я-]+", folded):
        return letters(folded)
    stems = {stem := _stem(folded)}
    if len(stem) >= 4 and stem[-3] + stem[-1] in _CONSONANT_PAIRS and stem[-2] in "ео":
        stems.add(stem[:-2] + stem[-1])  # a fleeting vowel: Павел -> Павла
    alternatives = "|".join(letters(s) for s in sorted(stems, key=len, reverse=True))
    return f"(?:{alternatives})(?:{_ENDINGS})?"


def _stem(folded: str) -> str:
    if len(folded) >= 5 and folded.endswith(_ADJECTIVE_END):
        return folded[:-2]
    return folded[:-1] if len(folded) >= 3 and folded[-1] in "аяоеьйыиу" else folded


def names_pattern(names: list[str]) -> re.Pattern[str]:
    """One or more name words in a row: "Ивана Петрова" is one person, not two."""
    words = {w for name in names for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 2}
    if not words:
        return NOTHING
    token = "|".join(_name_token(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{token})(?:(?:\s+|-)(?:{token}))*(?!\w)", re.IGNORECASE)


def known_pattern(addresses: list[str]) -> re.Pattern[str]:
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
        return NOTHING
    joined = "|".join(sorted(variants, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


def _address_part(tokens: list[str]) -> str:
    """Tokens in order, any punctuation between; short words ("д", "кв", "ул") may be left out."""
    last = len(tokens) - 1
    pieces = [letters(t) + ("" if i == last else _ADDRESS_SEP) for i, t in enumerate(tokens)]
    return "".join(f"(?:{p})?" if _optional(t) else p for p, t in zip(pieces, tokens, strict=True))


def _optional(token: str) -> bool:
    return token.casefold() in _ADDRESS_WORDS


def _telling(tokens: list[str]) -> bool:
    """Enough to find a home: a number and a word of three letters or more."""
    has_number = any(t.isdigit() for t in tokens)
    return has_number and any(len(t) >= 3 and not t.isdigit() and not _optional(t) for t in tokens)
