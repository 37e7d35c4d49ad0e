"""Today's map for owners and managers: the orders planned today in the organization's zone
and where the workers on their way last were."""

from __future__ import annotations

from typing import Protocol

from core.day_map.model import DayMap
from core.domain import Actor
from core.orders.listing import local_day_bounds
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory

MAPS_KEY = "yandex_maps_key"


class CredentialReader(Protocol):
    """The part of the settings service the map needs: a stored key (or the deployment's)."""

    async def credential_in(self, uow: UnitOfWork, org_id: int, name: str) -> str | None: ...


class DayMapService:
    def __init__(self, uow: UowFactory, clock: Clock, keys: CredentialReader) -> None:
        self._uow = uow
        self._clock = clock
        self._keys = keys

    async def today(self, actor: Actor) -> DayMap:
        require(actor, Action.ORDER_VIEW_ALL)
        org = actor.organization
        assert org is not None
        start, end = local_day_bounds(self._clock.now(), org.timezone)
        async with self._uow() as uow:
            orders = await uow.day_map.orders(org.id, start, end)
            workers = await uow.day_map.workers(org.id)
            key = await self._keys.credential_in(uow, org.id, MAPS_KEY)
        return DayMap(tuple(orders), tuple(workers), key)
