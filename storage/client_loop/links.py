"""Links of clients to Telegram, their invitations, consent events and client page tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import (
    Channel,
    ClientInvite,
    ClientLink,
    ConsentAction,
    ConsentEvent,
    PageToken,
    Purpose,
)
from storage.tables import (
    ClientConsentRow,
    ClientInviteRow,
    ClientLinkRow,
    ClientPageTokenRow,
    OrgSecretRow,
)


def to_link(row: ClientLinkRow) -> ClientLink:
    assert row.id is not None
    return ClientLink(
        row.id,
        row.organization_id,
        row.client_id,
        row.user_id,
        row.transactional_at,
        row.marketing_at,
        row.linked_at,
    )


def to_invite(row: ClientInviteRow) -> ClientInvite:
    assert row.id is not None
    return ClientInvite(
        row.id,
        row.organization_id,
        row.client_id,
        row.order_id,
        row.created_by,
        row.expires_at,
        row.used_at,
        row.used_by,
        row.created_at,
    )


def to_consent(row: ClientConsentRow) -> ConsentEvent:
    assert row.id is not None
    return ConsentEvent(
        row.id,
        row.organization_id,
        row.client_id,
        Channel(row.channel),
        Purpose(row.purpose),
        ConsentAction(row.action),
        row.recorded_by,
        row.created_at,
    )


def to_page(row: ClientPageTokenRow) -> PageToken:
    assert row.id is not None
    return PageToken(
        row.id, row.organization_id, row.client_id, row.order_id, row.expires_at, row.created_at
    )


class LinkQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _link_row(self, org_id: int, **where: int) -> ClientLinkRow | None:
        stmt = select(ClientLinkRow).where(ClientLinkRow.organization_id == org_id)
        for name, value in where.items():
            stmt = stmt.where(getattr(ClientLinkRow, name) == value)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def link(self, org_id: int, client_id: int) -> ClientLink | None:
        row = await self._link_row(org_id, client_id=client_id)
        return to_link(row) if row else None

    async def may_hear(self, org_id: int, client_id: int, secrets: Sequence[str]) -> bool:
        """Whether the client may hear of their orders at all, in one statement: linked in
        Telegram, or the organization keeps one of `secrets` (an SMS provider, a mail
        server). Whether they do is decided with everything else when the message is made."""
        linked = select(ClientLinkRow.id).where(
            ClientLinkRow.organization_id == org_id, ClientLinkRow.client_id == client_id
        )
        configured = select(OrgSecretRow.name).where(
            OrgSecretRow.organization_id == org_id, OrgSecretRow.name.in_(list(secrets))
        )
        return bool(await self._s.scalar(select(or_(linked.exists(), configured.exists()))))

    async def link_of_user(self, org_id: int, user_id: int) -> ClientLink | None:
        row = await self._link_row(org_id, user_id=user_id)
        return to_link(row) if row else None

    async def links_of_user(self, user_id: int) -> list[ClientLink]:
        """Every organization's link of this person (oldest first)."""
        stmt = select(ClientLinkRow).where(ClientLinkRow.user_id == user_id)
        rows = (await self._s.execute(stmt.order_by(ClientLinkRow.id))).scalars()
        return [to_link(r) for r in rows]

    async def links(self, org_id: int, client_ids: Sequence[int]) -> list[ClientLink]:
        stmt = select(ClientLinkRow).where(
            ClientLinkRow.organization_id == org_id, ClientLinkRow.client_id.in_(client_ids)
        )
        return [to_link(r) for r in (await self._s.execute(stmt)).scalars()]

    async def save_link(
        self, org_id: int, client_id: int, user_id: int, now: datetime
    ) -> ClientLink:
        row = await self._link_row(org_id, client_id=client_id)
        if row is None:
            row = ClientLinkRow(
                organization_id=org_id,
                client_id=client_id,
                user_id=user_id,
                linked_at=now,
                updated_at=now,
            )
            self._s.add(row)
        elif row.user_id != user_id:
            row.user_id, row.linked_at, row.updated_at = user_id, now, now
            row.transactional_at = row.marketing_at = None
        await self._s.flush()
        return to_link(row)

    async def set_link_consent(
        self, org_id: int, client_id: int, purpose: Purpose, at: datetime | None
    ) -> None:
        column = "transactional_at" if purpose is Purpose.TRANSACTIONAL else "marketing_at"
        values: dict[str, Any] = {column: at}
        if at is not None:
            values["updated_at"] = at
        stmt = (
            update(ClientLinkRow)
            .where(ClientLinkRow.organization_id == org_id, ClientLinkRow.client_id == client_id)
            .values(**values)
        )
        await self._s.execute(stmt)

    async def unlink(self, org_id: int, client_id: int) -> bool:
        stmt = delete(ClientLinkRow).where(
            ClientLinkRow.organization_id == org_id, ClientLinkRow.client_id == client_id
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def add_invite(
        self,
        org_id: int,
        client_id: int,
        order_id: int | None,
        token_hash: str,
        created_by: int | None,
        expires_at: datetime,
        now: datetime,
    ) -> ClientInvite:
        row = ClientInviteRow(
            organization_id=org_id,
            client_id=client_id,
            order_id=order_id,
            token_hash=token_hash,
            created_by=created_by,
            expires_at=expires_at,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_invite(row)

    async def invite_by_hash(self, token_hash: str) -> ClientInvite | None:
        stmt = select(ClientInviteRow).where(ClientInviteRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_invite(row) if row else None

    async def use_invite(self, org_id: int, invite_id: int, user_id: int, now: datetime) -> bool:
        """A conditional update, so two taps racing for the one use cannot both win."""
        stmt = (
            update(ClientInviteRow)
            .where(
                ClientInviteRow.organization_id == org_id,
                ClientInviteRow.id == invite_id,
                ClientInviteRow.used_at.is_(None),
                ClientInviteRow.expires_at > now,
            )
            .values(used_at=now, used_by=user_id)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def add_consent(
        self,
        org_id: int,
        client_id: int,
        channel: Channel,
        purpose: Purpose,
        action: ConsentAction,
        recorded_by: int | None,
        now: datetime,
    ) -> ConsentEvent:
        row = ClientConsentRow(
            organization_id=org_id,
            client_id=client_id,
            channel=channel.value,
            purpose=purpose.value,
            action=action.value,
            recorded_by=recorded_by,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_consent(row)

    async def consents(self, org_id: int, client_id: int) -> list[ConsentEvent]:
        stmt = (
            select(ClientConsentRow)
            .where(
                ClientConsentRow.organization_id == org_id,
                ClientConsentRow.client_id == client_id,
            )
            .order_by(ClientConsentRow.id)
        )
        return [to_consent(r) for r in (await self._s.execute(stmt)).scalars()]

    async def add_page(
        self,
        org_id: int,
        client_id: int,
        order_id: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> PageToken:
        row = ClientPageTokenRow(
            organization_id=org_id,
            client_id=client_id,
            order_id=order_id,
            token_hash=token_hash,
            expires_at=expires_at,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_page(row)

    async def page_by_hash(self, token_hash: str) -> PageToken | None:
        stmt = select(ClientPageTokenRow).where(ClientPageTokenRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_page(row) if row else None

    async def expire_pages(self, org_id: int, order_id: int, at: datetime) -> int:
        stmt = (
            update(ClientPageTokenRow)
            .where(
                ClientPageTokenRow.organization_id == org_id,
                ClientPageTokenRow.order_id == order_id,
                ClientPageTokenRow.expires_at > at,
            )
            .values(expires_at=at)
        )
        return int((await self._s.execute(stmt)).rowcount or 0)
