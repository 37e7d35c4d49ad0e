"""The client message log, client-loop settings and message templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import (
    OFF_CHANNELS,
    Channel,
    ClientLoopSettings,
    ClientMessage,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
    Template,
)
from storage.tables import ClientLoopSettingsRow, ClientMessageRow, ClientTemplateRow

SETTING_FIELDS = (
    "reminder_at",
    "reminder_2h",
    "quiet_hours",
    "rating_delay_minutes",
    "show_prices",
    "send_photos",
    "relay_to_assignee",
    "eta_detour",
    "eta_speed_kmh",
    "arrived_elsewhere",
    "approve_total",
)


def to_message(row: ClientMessageRow) -> ClientMessage:
    assert row.id is not None
    return ClientMessage(
        id=row.id,
        organization_id=row.organization_id,
        client_id=row.client_id,
        order_id=row.order_id,
        direction=Direction(row.direction),
        kind=MessageKind(row.kind),
        channel=Channel(row.channel),
        status=DeliveryStatus(row.status),
        provider_id=row.provider_id,
        body=row.body,
        author_id=row.author_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        sent_at=row.sent_at,
        delivered_at=row.delivered_at,
    )


def to_settings(row: ClientLoopSettingsRow | None) -> ClientLoopSettings:
    if row is None:
        return ClientLoopSettings()
    known = {k.value for k in MessageKind}
    disabled = frozenset(MessageKind(k) for k in row.disabled if k in known)
    pairs = (entry.partition(":") for entry in row.disabled if ":" in entry)
    off = frozenset(
        (MessageKind(k), Channel(c))
        for k, _, c in pairs
        if k in known and c in {x.value for x in OFF_CHANNELS}
    )
    fields = {f: getattr(row, f) for f in SETTING_FIELDS}
    return ClientLoopSettings(disabled, channels_off=off, **fields)


class MessageQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_message(
        self, org_id: int, new: NewClientMessage, now: datetime
    ) -> ClientMessage:
        row = ClientMessageRow(
            organization_id=org_id,
            client_id=new.client_id,
            order_id=new.order_id,
            direction=new.direction.value,
            kind=new.kind.value,
            channel=new.channel.value,
            status=new.status.value,
            provider_id=new.provider_id,
            body=new.body,
            author_id=new.author_id,
            created_at=now,
            updated_at=now,
            sent_at=now if new.status is DeliveryStatus.SENT else None,
        )
        self._s.add(row)
        await self._s.flush()
        return to_message(row)

    async def _message_row(self, org_id: int, message_id: int) -> ClientMessageRow | None:
        stmt = select(ClientMessageRow).where(
            ClientMessageRow.organization_id == org_id, ClientMessageRow.id == message_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_status(
        self,
        org_id: int,
        message_id: int,
        status: DeliveryStatus,
        provider_id: str | None,
        now: datetime,
    ) -> ClientMessage | None:
        row = await self._message_row(org_id, message_id)
        if row is None:
            return None
        row.status, row.updated_at = status.value, now
        if provider_id is not None:
            row.provider_id = provider_id
        if status is DeliveryStatus.SENT and row.sent_at is None:
            row.sent_at = now
        if status is DeliveryStatus.DELIVERED:
            row.sent_at = row.sent_at or now
            row.delivered_at = now
        await self._s.flush()
        return to_message(row)

    async def message(self, org_id: int, message_id: int) -> ClientMessage | None:
        row = await self._message_row(org_id, message_id)
        return to_message(row) if row else None

    async def by_provider_id(
        self, org_id: int, channel: Channel, provider_id: str
    ) -> ClientMessage | None:
        stmt = (
            select(ClientMessageRow)
            .where(
                ClientMessageRow.organization_id == org_id,
                ClientMessageRow.channel == channel.value,
                ClientMessageRow.provider_id == provider_id,
            )
            .order_by(ClientMessageRow.id.desc())
            .limit(1)
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_message(row) if row else None

    async def order_messages(self, org_id: int, order_id: int) -> list[ClientMessage]:
        stmt = (
            select(ClientMessageRow)
            .where(
                ClientMessageRow.organization_id == org_id,
                ClientMessageRow.order_id == order_id,
            )
            .order_by(ClientMessageRow.created_at, ClientMessageRow.id)
        )
        return [to_message(r) for r in (await self._s.execute(stmt)).scalars()]

    async def client_messages(
        self, org_id: int, client_id: int, limit: int = 50
    ) -> list[ClientMessage]:
        """The newest first."""
        stmt = (
            select(ClientMessageRow)
            .where(
                ClientMessageRow.organization_id == org_id,
                ClientMessageRow.client_id == client_id,
            )
            .order_by(ClientMessageRow.created_at.desc(), ClientMessageRow.id.desc())
            .limit(limit)
        )
        return [to_message(r) for r in (await self._s.execute(stmt)).scalars()]

    async def settings(self, org_id: int) -> ClientLoopSettings:
        return to_settings(await self._s.get(ClientLoopSettingsRow, org_id))

    async def save_settings(
        self, org_id: int, settings: ClientLoopSettings, now: datetime
    ) -> None:
        row = await self._s.get(ClientLoopSettingsRow, org_id)
        if row is None:
            row = ClientLoopSettingsRow(organization_id=org_id)
            self._s.add(row)
        off = sorted(f"{k.value}:{c.value}" for k, c in settings.channels_off)
        row.disabled = sorted(k.value for k in settings.disabled) + off
        for name in SETTING_FIELDS:
            setattr(row, name, getattr(settings, name))
        row.updated_at = now
        await self._s.flush()

    async def templates(self, org_id: int) -> list[Template]:
        stmt = (
            select(ClientTemplateRow)
            .where(ClientTemplateRow.organization_id == org_id)
            .order_by(ClientTemplateRow.kind, ClientTemplateRow.language)
        )
        known = {k.value for k in MessageKind}
        return [
            Template(MessageKind(r.kind), r.language, r.body)
            for r in (await self._s.execute(stmt)).scalars()
            if r.kind in known
        ]

    async def _template_row(
        self, org_id: int, kind: MessageKind, language: str
    ) -> ClientTemplateRow | None:
        stmt = select(ClientTemplateRow).where(
            ClientTemplateRow.organization_id == org_id,
            ClientTemplateRow.kind == kind.value,
            ClientTemplateRow.language == language,
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def save_template(
        self,
        org_id: int,
        kind: MessageKind,
        language: str,
        body: str,
        updated_by: int | None,
        now: datetime,
    ) -> None:
        row = await self._template_row(org_id, kind, language)
        if row is None:
            row = ClientTemplateRow(
                organization_id=org_id, kind=kind.value, language=language, body=body
            )
            self._s.add(row)
        row.body, row.updated_by, row.updated_at = body, updated_by, now
        await self._s.flush()

    async def delete_template(self, org_id: int, kind: MessageKind, language: str) -> bool:
        stmt = delete(ClientTemplateRow).where(
            ClientTemplateRow.organization_id == org_id,
            ClientTemplateRow.kind == kind.value,
            ClientTemplateRow.language == language,
        )
        return bool((await self._s.execute(stmt)).rowcount)
