"""Client search terms as SQL fragments for both databases (see storage/clients/search.py).

SQL text is assembled from constant fragments and parameter names only; every value a person
typed travels as a bound parameter (tests/integration/test_client_search.py).
"""

# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.clients.search import MIN_TRIGRAM, SearchQuery

LIVE = "c.deleted_at IS NULL AND c.merged_into_id IS NULL"
PG_ORDER = 'c.name_norm COLLATE "C", c.id'


@dataclass
class Sql:
    """One query's terms as SQL fragments and the parameters they bind."""

    dialect: str
    org_id: int
    query: SearchQuery
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.params["org"] = self.org_id
        self.long = tuple(t for t in self.query.terms if len(t) >= MIN_TRIGRAM)
        self.short = tuple(t for t in self.query.terms if len(t) < MIN_TRIGRAM)

    @property
    def order(self) -> str:
        return PG_ORDER if self.dialect == "postgresql" else "c.name_norm, c.id"

    def _contains(self, name: str, haystack: str, needle: str) -> str:
        self.params[name] = needle
        if self.dialect == "postgresql":
            return f"strpos({haystack}, :{name}) > 0"
        return f"instr({haystack}, :{name}) > 0"

    def word_prefixes(self, alias: str = "c") -> str:
        """Short terms: each must start a word of the document."""
        doc = f"(' ' || {alias}.search_text)"
        parts = [self._contains(f"w{i}", doc, " " + t) for i, t in enumerate(self.short)]
        return "".join(f" AND {p}" for p in parts)

    def substrings(self, alias: str = "c") -> str:
        """Every term checked row by row (the walk), without an index."""
        doc = f"{alias}.search_text"
        parts = [self._contains(f"s{i}", doc, t) for i, t in enumerate(self.long)]
        return "".join(f" AND {p}" for p in parts) + self.word_prefixes(alias)

    def grams(self) -> list[str]:
        """The trigrams a matching document must hold once padded as `padded_document` does:
        those of each long term, and of each short one after a word start ("  и", " ив")."""
        padded = [pad(t) for t in self.long] + ["  " + pad(t) for t in self.short]
        return list(dict.fromkeys(p[i : i + 3] for p in padded for i in range(len(p) - 2)))

    def walk(self) -> str:
        """The organization's live clients in name order, filtered row by row."""
        return (
            f"SELECT c.id FROM client AS c WHERE c.organization_id = :org AND {LIVE}"
            f"{self.substrings()} ORDER BY {self.order} LIMIT :limit OFFSET :offset"
        )


def pad(text: str) -> str:
    """Spaces doubled (migration 0010): a word start is two spaces and a letter, a trigram."""
    return text.replace(" ", "  ")


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's wildcards escaped by '/'."""
    escaped = term.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"
