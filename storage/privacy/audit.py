"""The audit log: appended in the transaction of each audited action, read newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy.model import AuditEvent
from storage.tables import AuditEventRow, UserRow


def _display(row: UserRow | None) -> str | None:
    if row is None:
        return None
    return " ".join(p for p in (row.first_name, row.last_name) if p) or None


class SqlAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self,
        org_id: int | None,
        actor_id: int | None,
        action: str,
        subject_type: str | None,
        subject_id: int | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        self._s.add(
            AuditEventRow(
                organization_id=org_id,
                actor_id=actor_id,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                data=data,
                created_at=now,
            )
        )
        await self._s.flush()

    async def listing(self, org_id: int, limit: int, offset: int) -> list[AuditEvent]:
        stmt = (
            select(AuditEventRow, UserRow)
            .outerjoin(UserRow, UserRow.id == AuditEventRow.actor_id)
            .where(AuditEventRow.organization_id == org_id)
            .order_by(AuditEventRow.created_at.desc(), AuditEventRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            AuditEvent(
                id=event.id,
                organization_id=event.organization_id,
                actor_id=event.actor_id,
                action=event.action,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                data=dict(event.data),
                created_at=event.created_at,
                actor_name=_display(user),
            )
            for event, user in (await self._s.execute(stmt)).all()
        ]

    async def count(self, org_id: int) -> int:
        stmt = select(func.count()).where(AuditEventRow.organization_id == org_id)
        return int((await self._s.execute(stmt)).scalar_one())
