"""The reply tokens of client e-mails: a hash on the message's log entry
(core/client_loop/mail_replies.py)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import ClientMessage
from storage.client_loop.messages import to_message
from storage.tables import ClientMessageRow


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
