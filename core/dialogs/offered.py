"""Things a conversation offers for a choice, kept as JSON arrays ([id, name, ...])."""

from __future__ import annotations

from typing import NamedTuple


class Ref(NamedTuple):
    """Something offered by id and name: a category, a client card."""

    id: int
    name: str


class Candidate(NamedTuple):
    """A client offered for an order: id, name and first phone (E.164)."""

    id: int
    name: str
    phone: str | None = None
