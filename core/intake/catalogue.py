"""What the website's form reads (issue 21, item 2): the organization's kinds of work with
their services (the widget's categories and subcategories), and addresses suggested with the
organization's own DaData key, which never reaches the browser."""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue.model import ItemKind
from core.domain import AddressSuggestion
from core.ports import AddressSuggesters, UowFactory

SUGGESTIONS = 5
QUERY_MAX = 200


@dataclass(frozen=True, slots=True)
class Offered:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Kind:
    id: int
    name: str
    services: tuple[Offered, ...]


class IntakeCatalogue:
    def __init__(self, uow: UowFactory, addresses: AddressSuggesters | None) -> None:
        self._uow = uow
        self._addresses = addresses

    async def kinds(self, org_id: int) -> list[Kind]:
        """Each active category with its active services (a service of no category is
        listed under every one: it may be asked for with any)."""
        async with self._uow() as uow:
            categories = await uow.categories.listing(org_id)
            items = await uow.catalogue.items(org_id)
        services = [i for i in items if i.kind is ItemKind.SERVICE]
        return [
            Kind(
                c.id,
                c.name,
                tuple(Offered(s.id, s.name) for s in services if s.category_id in (None, c.id)),
            )
            for c in categories
        ]

    async def suggest(self, org_id: int, query: str, language: str) -> list[AddressSuggestion]:
        """Up to five addresses; none when the organization has no DaData key."""
        text = query.strip()[:QUERY_MAX]
        if len(text) < 3 or self._addresses is None:
            return []
        async with self._uow() as uow:
            suggester = await self._addresses.for_org(uow, org_id)
        if suggester is None:
            return []
        return await suggester.suggest(text, language, SUGGESTIONS)
