"""What replies to clients need from storage (storage.client_loop.replies): e-mails' reply
tokens, and where a client's message was relayed to the staff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.client_loop.model import ClientMessage


class ReplyRepository(Protocol):
    async def set_reply_hash(self, org_id: int, message_id: int, token_hash: str) -> None: ...
    async def by_reply_hash(self, token_hash: str) -> ClientMessage | None:
        """The message a reply token was given with (the token names its organization)."""
        ...

    async def add_relay_copies(
        self, org_id: int, message_id: int, copies: Sequence[tuple[int, int]], now: datetime
    ) -> None:
        """The staff copies (chat, Telegram message id) of the client's message `message_id`."""
        ...

    async def relay_copies(self, org_id: int, message_id: int) -> list[tuple[int, int]]:
        """(chat, Telegram message id) of every staff copy of the client's message."""
        ...
