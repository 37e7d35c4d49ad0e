"""What the client loop needs from storage. Every method but the two token lookups is scoped
by organization; a token names its organization itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.client_loop.model import (
    Channel,
    ClientInvite,
    ClientLink,
    ClientLoopSettings,
    ClientMessage,
    ConsentAction,
    ConsentEvent,
    DeliveryStatus,
    MessageKind,
    NewClientMessage,
    PageToken,
    Purpose,
    Template,
)
from core.client_loop.optout_ports import OptOutRepository
from core.client_loop.payment_ports import ClientPaymentRepository
from core.client_loop.ratings import RatingRepository
from core.client_loop.reminder_ports import ReminderRepository
from core.client_loop.reply_ports import ReplyRepository
from core.client_loop.trips import TripRepository


class ClientLoopRepository(
    ReminderRepository,
    RatingRepository,
    ClientPaymentRepository,
    OptOutRepository,
    TripRepository,
    ReplyRepository,
    Protocol,
):
    # Links of clients to Telegram users.
    async def link(self, org_id: int, client_id: int) -> ClientLink | None: ...
    async def may_hear(self, org_id: int, client_id: int, secrets: Sequence[str]) -> bool: ...
    async def link_of_user(self, org_id: int, user_id: int) -> ClientLink | None: ...
    async def links_of_user(self, user_id: int) -> list[ClientLink]: ...
    async def save_link(
        self, org_id: int, client_id: int, user_id: int, now: datetime
    ) -> ClientLink:
        """Link the client to the user, replacing the client's earlier Telegram account (the
        consents given there do not carry over)."""
        ...

    async def set_link_consent(
        self, org_id: int, client_id: int, purpose: Purpose, at: datetime | None
    ) -> None: ...
    async def unlink(self, org_id: int, client_id: int) -> bool: ...
    async def links(self, org_id: int, client_ids: Sequence[int]) -> list[ClientLink]: ...

    # Invitations (one use each).
    async def add_invite(
        self,
        org_id: int,
        client_id: int,
        order_id: int | None,
        token_hash: str,
        created_by: int | None,
        expires_at: datetime,
        now: datetime,
    ) -> ClientInvite: ...
    async def invite_by_hash(self, token_hash: str) -> ClientInvite | None: ...
    async def use_invite(self, org_id: int, invite_id: int, user_id: int, now: datetime) -> bool:
        """Mark the invitation used if it is unused and unexpired at `now`; False otherwise."""
        ...

    # Consent and opt-out events.
    async def add_consent(
        self,
        org_id: int,
        client_id: int,
        channel: Channel,
        purpose: Purpose,
        action: ConsentAction,
        recorded_by: int | None,
        now: datetime,
    ) -> ConsentEvent: ...
    async def consents(self, org_id: int, client_id: int) -> list[ConsentEvent]: ...

    # The client message log.
    async def add_message(
        self, org_id: int, new: NewClientMessage, now: datetime
    ) -> ClientMessage: ...
    async def set_status(
        self,
        org_id: int,
        message_id: int,
        status: DeliveryStatus,
        provider_id: str | None,
        now: datetime,
    ) -> ClientMessage | None: ...
    async def by_provider_id(
        self, org_id: int, channel: Channel, provider_id: str
    ) -> ClientMessage | None: ...
    async def message(self, org_id: int, message_id: int) -> ClientMessage | None: ...
    async def order_messages(self, org_id: int, order_id: int) -> list[ClientMessage]: ...
    async def client_messages(
        self, org_id: int, client_id: int, limit: int = 50
    ) -> list[ClientMessage]: ...

    # Client page tokens.
    async def add_page(
        self,
        org_id: int,
        client_id: int,
        order_id: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> PageToken: ...
    async def page_by_hash(self, token_hash: str) -> PageToken | None: ...
    async def expire_pages(self, org_id: int, order_id: int, at: datetime) -> int:
        """Bring every page token of the order to expire at `at` at the latest."""
        ...

    # Settings and templates.
    async def settings(self, org_id: int) -> ClientLoopSettings: ...
    async def save_settings(
        self, org_id: int, settings: ClientLoopSettings, now: datetime
    ) -> None: ...
    async def templates(self, org_id: int) -> list[Template]: ...
    async def save_template(
        self,
        org_id: int,
        kind: MessageKind,
        language: str,
        body: str,
        updated_by: int | None,
        now: datetime,
    ) -> None: ...
    async def delete_template(self, org_id: int, kind: MessageKind, language: str) -> bool: ...

    # The client card's e-mail address (for e-mail messages; None: the card has none).
    async def client_email(self, org_id: int, client_id: int) -> str | None: ...
    async def set_client_email(
        self, org_id: int, client_id: int, email: str | None, now: datetime
    ) -> bool: ...
