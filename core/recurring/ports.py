"""What the series use cases need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain import Order
from core.recurring.model import NewSeries, Series


class SeriesRepository(Protocol):
    async def add(self, org_id: int, now: datetime, new: NewSeries) -> Series: ...
    async def get(self, org_id: int, series_id: int, lock: bool = False) -> Series | None:
        """`lock`: held until the transaction ends (PostgreSQL), so two fills queue up."""
        ...

    async def many(self, org_id: int, ids: Sequence[int]) -> dict[int, Series]: ...
    async def save(self, series: Series, now: datetime) -> Series | None:
        """Write the series' state, rule, assignee, price and template if it is still at the
        version read (else None); the version goes up."""
        ...

    async def active_ids(self, after_id: int, limit: int) -> list[tuple[int, int]]:
        """(organization, series) of active series with ids above `after_id`, by id."""
        ...

    async def of_org(self, org_id: int) -> list[Series]:
        """The organization's series that are not ended."""
        ...

    async def for_client(self, org_id: int, client_id: int) -> list[Series]:
        """The client's series that are not ended."""
        ...

    async def keys(self, series_id: int) -> set[str]:
        """The occurrence keys that have an order."""
        ...

    async def key_of(self, order_id: int) -> str | None: ...
    async def open_from(self, org_id: int, series_id: int, since: datetime) -> list[Order]:
        """The series' orders not started (new or assigned) scheduled at `since` or later."""
        ...

    async def rekey(self, order_id: int, series_id: int, key: str | None) -> None:
        """Move an order to a series and occurrence (None: no occurrence, the order stays in
        the series' history and its time may be made again)."""
        ...
