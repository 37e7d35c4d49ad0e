"""The call log: each organization's PBX account, its calls and the events they came from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.changes import CallChange, NewCall, PbxAccountChange
from core.telephony.events import (
    Call,
    CallEvent,
    CallOutcome,
    Direction,
    PbxAccount,
    PbxCredentials,
    RecordingState,
)
from storage.columns import columns
from storage.tables import CallEventRow, CallRow, ClientPhoneRow, ClientRow, PbxAccountRow


def _to_account(row: PbxAccountRow) -> PbxAccount:
    return PbxAccount(
        organization_id=row.organization_id,
        org_key=row.org_key,
        recording_enabled=row.recording_enabled,
        recording_confirmed_at=row.recording_confirmed_at,
        transcription_enabled=row.transcription_enabled,
        extensions={str(k): int(v) for k, v in (row.extensions or {}).items()},
    )


def _to_call(row: CallRow) -> Call:
    return Call(
        id=row.id,
        organization_id=row.organization_id,
        pbx_call_id=row.pbx_call_id,
        direction=Direction(row.direction),
        caller=row.caller,
        callee=row.callee,
        client_phone=row.client_phone,
        client_id=row.client_id,
        internal=row.internal,
        answered_by=row.answered_by,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        duration=row.duration,
        outcome=CallOutcome(row.outcome) if row.outcome else None,
        recording_ref=row.recording_ref,
        recording_key=row.recording_key,
        recording_mime=row.recording_mime,
        recording_state=RecordingState(row.recording_state),
        transcript=row.transcript,
        summary=row.summary,
        callback_by=row.callback_by,
        order_id=row.order_id,
        alerts=tuple((int(u), int(c), int(m)) for u, c, m in row.alerts or []),
    )


class SqlCallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def _insert(self, table: Any) -> Any:
        """INSERT with the dialect's ON CONFLICT support."""
        postgres = self._s.bind.dialect.name == "postgresql"
        return pg_insert(table) if postgres else sqlite_insert(table)

    async def _account_row(self, *where: Any) -> PbxAccountRow | None:
        stmt = select(PbxAccountRow).where(*where).execution_options(populate_existing=True)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def account(self, org_id: int) -> PbxAccount | None:
        row = await self._account_row(PbxAccountRow.organization_id == org_id)
        return _to_account(row) if row else None

    async def account_by_key(self, org_key: str) -> PbxAccount | None:
        row = await self._account_row(PbxAccountRow.org_key == org_key)
        return _to_account(row) if row else None

    async def save_account(
        self, org_id: int, now: datetime, change: PbxAccountChange
    ) -> PbxAccount:
        fields = columns(change)
        row = await self._account_row(PbxAccountRow.organization_id == org_id)
        if row is None:
            row = PbxAccountRow(organization_id=org_id, created_at=now, updated_at=now, **fields)
            self._s.add(row)
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = now
        await self._s.flush()
        return _to_account(row)

    async def credentials(self, org_id: int) -> PbxCredentials | None:
        """The one place credentials are read, so they can move to the encrypted store."""
        row = await self._account_row(PbxAccountRow.organization_id == org_id)
        if row is None or not row.api_key or not row.api_secret:
            return None
        return PbxCredentials(row.api_key, row.api_secret)

    async def record_event(self, org_id: int, event: CallEvent, now: datetime) -> bool:
        stmt = (
            self._insert(CallEventRow)
            .values(
                organization_id=org_id,
                pbx_call_id=event.pbx_call_id,
                event=event.kind.value,
                dedup_key=event.dedup_key,
                data=_event_data(event),
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["organization_id", "dedup_key"])
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def ensure(self, org_id: int, pbx_call_id: str, now: datetime, new: NewCall) -> Call:
        values = {**columns(new), "alerts": [], "created_at": now, "updated_at": now}
        stmt = (
            self._insert(CallRow)
            .values(organization_id=org_id, pbx_call_id=pbx_call_id, **values)
            .on_conflict_do_nothing(index_elements=["organization_id", "pbx_call_id"])
        )
        await self._s.execute(stmt)
        found = await self._calls(
            CallRow.organization_id == org_id, CallRow.pbx_call_id == pbx_call_id
        )
        return found[0]

    async def _calls(self, *where: Any, limit: int | None = None) -> list[Call]:
        stmt = (
            select(CallRow)
            .where(*where)
            .order_by(CallRow.started_at.desc(), CallRow.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [_to_call(row) for row in (await self._s.execute(stmt)).scalars()]

    async def get(self, org_id: int, call_id: int) -> Call | None:
        found = await self._calls(CallRow.organization_id == org_id, CallRow.id == call_id)
        return found[0] if found else None

    async def update(self, org_id: int, call_id: int, now: datetime, change: CallChange) -> Call:
        await self._s.execute(
            update(CallRow)
            .where(CallRow.organization_id == org_id, CallRow.id == call_id)
            .values(**columns(change), updated_at=now)
        )
        call = await self.get(org_id, call_id)
        assert call is not None
        return call

    async def claim_callback(self, org_id: int, call_id: int, user_id: int) -> bool:
        stmt = (
            update(CallRow)
            .where(
                CallRow.organization_id == org_id,
                CallRow.id == call_id,
                CallRow.callback_by.is_(None),
            )
            .values(callback_by=user_id)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def listing(
        self, org_id: int, start: datetime, end: datetime, missed: bool, unknown: bool, limit: int
    ) -> list[Call]:
        where = [
            CallRow.organization_id == org_id,
            CallRow.started_at >= start,
            CallRow.started_at < end,
        ]
        if missed:
            where += [
                CallRow.direction == Direction.INCOMING.value,
                CallRow.outcome.is_not(None),
                CallRow.outcome != CallOutcome.ANSWERED.value,
            ]
        if unknown:
            where += [CallRow.client_phone.is_not(None), ~_known_phone(org_id)]
        return await self._calls(*where, limit=limit)

    async def for_phones(self, org_id: int, phones: Sequence[str], limit: int) -> list[Call]:
        if not phones:
            return []
        where = (CallRow.organization_id == org_id, CallRow.client_phone.in_(list(phones)))
        return await self._calls(*where, limit=limit)


def _known_phone(org_id: int) -> Any:
    """A client card (not merged away, not deleted) has the call's number."""
    return exists().where(
        ClientPhoneRow.organization_id == org_id,
        ClientPhoneRow.phone == CallRow.client_phone,
        ClientRow.id == ClientPhoneRow.client_id,
        and_(ClientRow.deleted_at.is_(None), ClientRow.merged_into_id.is_(None)),
    )


def _event_data(event: CallEvent) -> dict[str, Any]:
    """What the event said, minus the kind and the call id kept in their own columns."""
    return {
        "call_start": event.call_start,
        "internal": event.internal,
        "duration": event.duration,
        "disposition": event.disposition,
        "recorded": event.recorded,
        "recording_ref": event.recording_ref,
    }
