"""The reply tokens of client e-mails: a hash on the message's log entry
(core/client_loop/mail_replies.py); the staff copies of a relayed client message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import ClientMessage
from storage.client_loop.messages import to_message
from storage.tables import ClientMessageRow
from storage.tables_relay import ClientRelayCopyRow


class ReplyQueries:
    _s: AsyncSession

    async def set_reply_hash(self, org_id: int, message_id: int, token_hash: str) -> None:
        stmt = (
            update(ClientMessageRow)
            .where(ClientMessageRow.organization_id == org_id, ClientMessageRow.id == message_id)
            .values(reply_hash=token_hash)
        )
        await self._s.execute(stmt)

    async def by_reply_hash(self, token_hash: str) -> ClientMessage | None:
        """The message a reply token was given with (the token names its organization)."""
        stmt = select(ClientMessageRow).where(ClientMessageRow.reply_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_message(row) if row else None

    async def add_relay_copies(
        self, org_id: int, message_id: int, copies: Sequence[tuple[int, int]], now: datetime
    ) -> None:
        rows = [
            {"organization_id": org_id, "message_id": message_id, "chat_id": chat,
             "telegram_message_id": sent, "created_at": now}
            for chat, sent in copies
        ]  # fmt: skip
        if rows:
            await self._s.execute(insert(ClientRelayCopyRow), rows)

    async def relay_copies(self, org_id: int, message_id: int) -> list[tuple[int, int]]:
        c = ClientRelayCopyRow
        stmt = (
            select(c.chat_id, c.telegram_message_id)
            .where(c.organization_id == org_id, c.message_id == message_id)
            .order_by(c.id)
        )
        return [(int(chat), int(sent)) for chat, sent in (await self._s.execute(stmt)).all()]
