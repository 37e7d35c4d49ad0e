"""Clients' data requests in the database (core/clients/requests.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clients.request_model import DataRequest, RequestKind
from storage.tables_requests import ClientRequestRow


def _to_request(row: ClientRequestRow) -> DataRequest:
    assert row.id is not None
    return DataRequest(
        row.id, row.organization_id, row.client_id, RequestKind(row.kind), row.received_on,
        row.due_on, row.note, row.created_at, row.closed_at, row.closed_by,
    )  # fmt: skip


class SqlDataRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_request(
        self, org_id: int, client_id: int, kind: RequestKind, received_on: date,
        due_on: date, note: str | None, recorded_by: int, now: datetime,
    ) -> DataRequest:  # fmt: skip
        row = ClientRequestRow(
            organization_id=org_id, client_id=client_id, kind=kind.value,
            received_on=received_on, due_on=due_on, note=note, recorded_by=recorded_by,
            created_at=now,
        )  # fmt: skip
        self._s.add(row)
        await self._s.flush()
        return _to_request(row)

    async def client_requests(self, org_id: int, client_id: int) -> list[DataRequest]:
        r = ClientRequestRow
        stmt = select(r).where(r.organization_id == org_id, r.client_id == client_id)
        return [_to_request(x) for x in (await self._s.execute(stmt.order_by(r.id))).scalars()]

    async def open_requests(self, org_id: int) -> list[DataRequest]:
        r = ClientRequestRow
        stmt = select(r).where(r.organization_id == org_id, r.closed_at.is_(None))
        stmt = stmt.order_by(r.due_on, r.id)
        return [_to_request(x) for x in (await self._s.execute(stmt)).scalars()]

    async def open_in(self, org_ids: list[int]) -> dict[int, list[DataRequest]]:
        if not org_ids:
            return {}
        r = ClientRequestRow
        stmt = select(r).where(r.organization_id.in_(org_ids), r.closed_at.is_(None))
        found: dict[int, list[DataRequest]] = {}
        for row in (await self._s.execute(stmt.order_by(r.due_on, r.id))).scalars():
            found.setdefault(row.organization_id, []).append(_to_request(row))
        return found

    async def close_requests(
        self, org_id: int, client_id: int, kinds: tuple[RequestKind, ...], by: str, now: datetime
    ) -> int:
        r = ClientRequestRow
        stmt = (
            update(r)
            .where(
                r.organization_id == org_id,
                r.client_id == client_id,
                r.kind.in_([k.value for k in kinds]),
                r.closed_at.is_(None),
            )
            .values(closed_at=now, closed_by=by)
        )
        return int((await self._s.execute(stmt)).rowcount or 0)
