"""The company registry (DaData's party API, `integrations/dadata_party.py`)."""

from __future__ import annotations

from typing import Protocol

from core.companies.model import Company


class PartyRegistry(Protocol):
    async def find_by_id(
        self, query: str, kpp: str | None = None, main_only: bool = False, limit: int = 20
    ) -> list[Company]:
        """Companies with this INN or OGRN: the head office and its branches (each with its
        own KPP) unless `main_only`; `kpp` picks one branch. Raises `RegistryError`."""
        ...

    async def suggest(self, query: str, limit: int = 5) -> list[Company]:
        """Companies whose name (or number) matches what was typed. Raises `RegistryError`."""
        ...
