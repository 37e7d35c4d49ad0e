"""Cleaning and normalising what people type: names, search keys, odd Unicode."""

from __future__ import annotations

import re
import unicodedata

from core.errors import DomainError

# Control, format (zero-width, bidi overrides), surrogate and private-use characters never belong
# in a name shown to other people.
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACES = re.compile(r"\s+")

NAME_MAX = 100


def clean_line(text: str) -> str:
    """NFC-normalise, drop invisible and control characters, collapse white space."""
    normal = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in normal
        if ch.isspace() or unicodedata.category(ch) not in _DROP_CATEGORIES
    )
    return _SPACES.sub(" ", kept).strip()


def clean_name(text: str | None, limit: int = NAME_MAX) -> str:
    name = clean_line(text or "")
    if not name:
        raise DomainError("name_empty")
    if len(name) > limit:
        raise DomainError("name_too_long", limit=limit, length=len(name))
    return name


def search_key(text: str) -> str:
    """Case- and ё-insensitive form used for matching names in any script."""
    return clean_line(text).casefold().replace("ё", "е")
