"""Files attached to orders: rows written only after the bytes are safe on disk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.changes import NewAttachment
from core.domain import Attachment
from storage.columns import columns
from storage.tables import AttachmentRow, MembershipRow

_member = MembershipRow.__table__
# Built once: a tap that takes or starts an order focuses it (docs/cpu-per-update.md).
_SET_CURRENT = update(_member).where(
    _member.c.organization_id == bindparam("b_org_id"),
    _member.c.user_id == bindparam("b_user_id"),
)


def _to_attachment(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        kind=row.kind,
        storage_key=row.storage_key or "",
        sha256=row.sha256 or "",
        size=row.size,
        mime=row.mime or "",
        file_name=row.file_name,
        telegram_file_id=row.telegram_file_id,
        caption=row.caption,
        stored=row.state == "stored",
        telegram_file_bot=row.telegram_file_bot,
    )


class SqlAttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, org_id: int, now: datetime, new: NewAttachment) -> Attachment:
        values = columns(new)
        row = AttachmentRow(organization_id=org_id, created_at=now, state="pending", **values)
        self._s.add(row)
        await self._s.flush()
        return _to_attachment(row)

    async def get(self, org_id: int, attachment_id: int) -> Attachment | None:
        row = await self._s.get(AttachmentRow, attachment_id)
        return _to_attachment(row) if row and row.organization_id == org_id else None

    async def by_id(self, attachment_id: int) -> Attachment | None:
        """For background jobs, which carry the id of a row they were enqueued with."""
        row = await self._s.get(AttachmentRow, attachment_id)
        return _to_attachment(row) if row else None

    async def find(self, org_id: int, order_id: int, sha256: str) -> Attachment | None:
        stmt = select(AttachmentRow).where(
            AttachmentRow.organization_id == org_id,
            AttachmentRow.order_id == order_id,
            AttachmentRow.sha256 == sha256,
        )
        row = (await self._s.execute(stmt)).scalars().first()
        return _to_attachment(row) if row else None

    async def for_order(self, org_id: int, order_id: int) -> list[Attachment]:
        stmt = (
            select(AttachmentRow)
            .where(AttachmentRow.organization_id == org_id, AttachmentRow.order_id == order_id)
            .order_by(AttachmentRow.id)
        )
        return [_to_attachment(r) for r in (await self._s.execute(stmt)).scalars()]

    async def counts(self, org_id: int, order_id: int) -> dict[str, int]:
        stmt = (
            select(AttachmentRow.kind, func.count())
            .where(AttachmentRow.organization_id == org_id, AttachmentRow.order_id == order_id)
            .group_by(AttachmentRow.kind)
        )
        return {kind: int(n) for kind, n in (await self._s.execute(stmt)).all()}

    async def counts_for(self, org_id: int, order_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        if not order_ids:
            return {}
        stmt = (
            select(AttachmentRow.order_id, AttachmentRow.kind, func.count())
            .where(AttachmentRow.organization_id == org_id, AttachmentRow.order_id.in_(order_ids))
            .group_by(AttachmentRow.order_id, AttachmentRow.kind)
        )
        found: dict[int, dict[str, int]] = {}
        for order_id, kind, count in (await self._s.execute(stmt)).all():
            found.setdefault(order_id, {})[kind] = int(count)
        return found

    async def in_group(self, org_id: int, media_group_id: str) -> list[Attachment]:
        stmt = (
            select(AttachmentRow)
            .where(
                AttachmentRow.organization_id == org_id,
                AttachmentRow.media_group_id == media_group_id,
            )
            .order_by(AttachmentRow.id)
        )
        return [_to_attachment(r) for r in (await self._s.execute(stmt)).scalars()]

    async def mark_stored(self, attachment_id: int) -> None:
        stmt = (
            update(AttachmentRow).where(AttachmentRow.id == attachment_id).values(state="stored")
        )
        await self._s.execute(stmt)

    async def remember_file_id(self, attachment_id: int, file_id: str, bot: int) -> None:
        stmt = (
            update(AttachmentRow)
            .where(AttachmentRow.id == attachment_id)
            .values(telegram_file_id=file_id, telegram_file_bot=bot)
        )
        await self._s.execute(stmt)

    async def current_order(self, org_id: int, user_id: int) -> int | None:
        stmt = select(MembershipRow.current_order_id).where(
            MembershipRow.organization_id == org_id, MembershipRow.user_id == user_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_current_order(self, org_id: int, user_id: int, order_id: int) -> None:
        params = {"b_org_id": org_id, "b_user_id": user_id, "current_order_id": order_id}
        await self._s.execute(_SET_CURRENT, params)
