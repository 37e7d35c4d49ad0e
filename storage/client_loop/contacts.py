"""The client card's e-mail address, kept on the client row (migration 0017) and read only by
the client loop, which is the only part of the product that writes to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import ClientRow


class ContactQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def client_email(self, org_id: int, client_id: int) -> str | None:
        stmt = select(ClientRow.email).where(
            ClientRow.organization_id == org_id, ClientRow.id == client_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_client_email(
        self, org_id: int, client_id: int, email: str | None, now: datetime
    ) -> bool:
        stmt = (
            update(ClientRow)
            .where(ClientRow.organization_id == org_id, ClientRow.id == client_id)
            .values(email=email, updated_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)
