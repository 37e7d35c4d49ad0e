"""A client card as the core sees it: name, phones, address and notes, a business client's
company details, and whether processing of their data is restricted or objected to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.companies.model import Company


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    organization_id: int
    name: str
    phones: tuple[str, ...]
    address: str | None
    notes: str | None
    created_at: datetime
    # Restriction of processing on the client's request (docs/data-rights.md): since when,
    # and the note of when and how it was asked; None: not restricted.
    restricted_at: datetime | None = None
    restriction_note: str | None = None
    objected_at: datetime | None = None  # objects to automated processing (AI) since
    company: Company | None = None  # a business client's registry details (issue 21.8)

    @property
    def restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def no_ai(self) -> bool:
        """Neither transcription nor AI summaries: restricted, or objecting to them."""
        return self.restricted_at is not None or self.objected_at is not None
