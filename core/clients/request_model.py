"""The records of clients' requests as data subjects (core/clients/requests.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

SOON_DAYS = 7  # the digest warns this many days before the due day


class RequestKind(enum.StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"
    RESTRICTION = "restriction"
    OBJECTION = "objection"


@dataclass(frozen=True, slots=True)
class DataRequest:
    id: int
    organization_id: int
    client_id: int
    kind: RequestKind
    received_on: date
    due_on: date
    note: str | None
    created_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None

    def soon(self, today: date) -> bool:
        """Open and due within `SOON_DAYS` (or overdue)."""
        return self.closed_at is None and (self.due_on - today).days <= SOON_DAYS


class DataRequestRepository(Protocol):
    async def add_request(
        self, org_id: int, client_id: int, kind: RequestKind, received_on: date,
        due_on: date, note: str | None, recorded_by: int, now: datetime,
    ) -> DataRequest: ...  # fmt: skip

    async def client_requests(self, org_id: int, client_id: int) -> list[DataRequest]: ...

    async def open_requests(self, org_id: int) -> list[DataRequest]: ...

    async def open_in(self, org_ids: list[int]) -> dict[int, list[DataRequest]]:
        """Open requests of many organizations, soonest due first (one statement)."""
        ...

    async def close_requests(
        self, org_id: int, client_id: int, kinds: tuple[RequestKind, ...], by: str, now: datetime
    ) -> int: ...
