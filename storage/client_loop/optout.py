"""Unsubscribe tokens and SMS provider callback secrets (both stored as SHA-256 hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import Channel
from core.client_loop.optout_ports import OptOutToken
from storage.tables import ClientOptOutTokenRow, ClientSmsHookRow


class OptOutQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_optout_token(
        self, org_id: int, client_id: int, channel: Channel, token_hash: str,
        expires_at: datetime, now: datetime,
    ) -> None:  # fmt: skip
        row = ClientOptOutTokenRow(
            organization_id=org_id, client_id=client_id, channel=channel.value,
            token_hash=token_hash, expires_at=expires_at, created_at=now,
        )  # fmt: skip
        self._s.add(row)
        await self._s.flush()

    async def optout_by_hash(self, token_hash: str) -> OptOutToken | None:
        stmt = select(ClientOptOutTokenRow).where(ClientOptOutTokenRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        channel = Channel(row.channel)
        return OptOutToken(row.organization_id, row.client_id, channel, row.expires_at)

    async def sms_hook(self, org_id: int) -> str | None:
        stmt = select(ClientSmsHookRow.secret_hash).where(
            ClientSmsHookRow.organization_id == org_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def save_sms_hook(self, org_id: int, secret_hash: str, now: datetime) -> None:
        stmt = (
            update(ClientSmsHookRow)
            .where(ClientSmsHookRow.organization_id == org_id)
            .values(secret_hash=secret_hash, created_at=now)
        )
        if not (await self._s.execute(stmt)).rowcount:
            await self.add_sms_hook(org_id, secret_hash, now)

    async def add_sms_hook(self, org_id: int, secret_hash: str, now: datetime) -> bool:
        try:
            async with self._s.begin_nested():
                row = ClientSmsHookRow(
                    organization_id=org_id, secret_hash=secret_hash, created_at=now
                )
                self._s.add(row)
                await self._s.flush()
        except IntegrityError:
            return False
        return True
