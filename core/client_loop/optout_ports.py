"""What opting out needs from storage: unsubscribe tokens (hashed) and the hashed secret of
an organization's SMS provider callback URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.client_loop.model import Channel


@dataclass(frozen=True, slots=True)
class OptOutToken:
    organization_id: int
    client_id: int
    channel: Channel
    expires_at: datetime


class OptOutRepository(Protocol):
    async def add_optout_token(
        self, org_id: int, client_id: int, channel: Channel, token_hash: str,
        expires_at: datetime, now: datetime,
    ) -> None: ...  # fmt: skip
    async def optout_by_hash(self, token_hash: str) -> OptOutToken | None: ...
    async def sms_hook(self, org_id: int) -> str | None:
        """The organization's callback secret's hash, if one was made."""
        ...

    async def save_sms_hook(self, org_id: int, secret_hash: str, now: datetime) -> None: ...
    async def add_sms_hook(self, org_id: int, secret_hash: str, now: datetime) -> bool:
        """Store a first secret; False when the organization already has one (a race)."""
        ...
