"""Telling a phone number from a name before anything parses it.

`PhoneNormalizer` (the `phonenumbers` library behind a port) says whether text is a valid
number; this says whether text was meant as one, so that a number missing digits is answered
"this looks like an incomplete phone number" instead of being taken for a client's name.
"""

from __future__ import annotations

import unicodedata

# Characters people put between digits; anything else (but spaces and digits) is not a phone.
PHONE_PUNCTUATION = frozenset("+-()./")
EXAMPLE = "+7 916 123-45-67"


def clean_phone_text(text: str) -> str:
    """Unicode spaces become plain spaces, dashes and minus signs hyphens, invisibles go."""
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            out.append(" ")
        elif category == "Pd" or char == "\u2212":
            out.append("-")
        elif category != "Cf":  # zero-width spaces, direction marks, soft hyphens
            out.append(char)
    return "".join(out).strip()


def looks_like_phone(text: str, min_digits: int = 3) -> bool:
    """True when the text is only digits and phone punctuation, with at least `min_digits`:
    `+7 (916) 12` was meant as a phone number, `Иван 916` was not."""
    cleaned = clean_phone_text(text)
    digits = 0
    for char in cleaned:
        if char.isdecimal():
            digits += 1
        elif char != " " and char not in PHONE_PUNCTUATION:
            return False
    return digits >= min_digits
