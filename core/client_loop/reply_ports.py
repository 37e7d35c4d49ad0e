"""What replies to client e-mails need from storage (storage.client_loop.replies)."""

from __future__ import annotations

from typing import Protocol

from core.client_loop.model import ClientMessage


class ReplyRepository(Protocol):
    async def set_reply_hash(self, org_id: int, message_id: int, token_hash: str) -> None: ...
    async def by_reply_hash(self, token_hash: str) -> ClientMessage | None:
        """The message a reply token was given with (the token names its organization)."""
        ...
