"""Voice notes: status, transcript and the proposed order update."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from core.changes import NewVoiceNote, VoiceNoteChange
from core.domain import VoiceNote, VoiceStatus
from storage.columns import columns
from storage.tables import VoiceNoteRow


def _to_note(row: VoiceNoteRow) -> VoiceNote:
    return VoiceNote(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        attachment_id=row.attachment_id,
        user_id=row.user_id,
        chat_id=row.chat_id,
        status_message_id=row.status_message_id,
        status=VoiceStatus(row.status),
        duration_seconds=row.duration_seconds,
        language=row.language,
        transcript=row.transcript,
        proposal=row.proposal,
        proposal_state=row.proposal_state,
    )


class SqlVoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, org_id: int, now: datetime, new: NewVoiceNote) -> VoiceNote:
        values = columns(new)
        row = VoiceNoteRow(organization_id=org_id, created_at=now, updated_at=now, **values)
        self._s.add(row)
        await self._s.flush()
        return _to_note(row)

    async def get(self, note_id: int) -> VoiceNote | None:
        row = await self._s.get(VoiceNoteRow, note_id, populate_existing=True)
        return _to_note(row) if row else None

    async def update(self, note_id: int, now: datetime, change: VoiceNoteChange) -> None:
        values = columns(change)
        stmt = (
            update(VoiceNoteRow).where(VoiceNoteRow.id == note_id).values(**values, updated_at=now)
        )
        await self._s.execute(stmt)
