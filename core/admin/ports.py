"""Ports of the admin endpoint and billing: their repositories, the payment gateway and the
box that encrypts credentials at rest. Re-exported by `core.ports`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from core.admin.model import AdminSession, ApiToken, Origin, Payment, SignInLink, Subscription
from core.changes import NewPayment, PaymentChange, SubscriptionChange


class AdminRepository(Protocol):
    """Sign-in links, browser sessions and API tokens, each found by its token's hash."""

    async def add_link(
        self, org_id: int, user_id: int, token_hash: str, expires_at: datetime, now: datetime
    ) -> None: ...
    async def use_link(self, token_hash: str, now: datetime) -> SignInLink | None:
        """Mark the link used if it is unused and unexpired; None when this call did not."""
        ...

    async def link(self, token_hash: str) -> SignInLink | None:
        """The link whatever its state (used, expired): why a sign-in was refused."""
        ...

    async def add_session(
        self,
        org_id: int,
        user_id: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
        origin: Origin | None = None,
        device_hash: str | None = None,
    ) -> AdminSession: ...
    async def sign_in_history(self, user_id: int, device_hash: str) -> tuple[int, int]:
        """The person's sessions ever opened, and how many of them from this device."""
        ...

    async def session(self, token_hash: str) -> AdminSession | None: ...
    async def touch_session(
        self, session_id: int, now: datetime, ip: str, before: datetime
    ) -> None: ...
    async def open_sessions(self, user_id: int, now: datetime) -> list[tuple[AdminSession, str]]:
        """The person's open sessions in every organization, with the organization's name."""
        ...

    async def revoke_device_sessions(self, device_hash: str, now: datetime) -> None:
        """End the open sessions of this browser: a browser holds one session cookie, so a
        new sign-in leaves the one it replaces unreachable."""
        ...

    async def revoke_user_sessions(
        self, user_id: int, now: datetime, session_id: int | None = None
    ) -> int:
        """End the person's open sessions (only `session_id` when given); how many ended."""
        ...

    async def revoke_session(self, token_hash: str, now: datetime) -> None: ...
    async def add_token(
        self, org_id: int, user_id: int, name: str, token_hash: str, prefix: str, now: datetime
    ) -> ApiToken: ...
    async def token(self, token_hash: str) -> ApiToken | None: ...
    async def tokens(self, org_id: int) -> list[ApiToken]: ...
    async def touch_token(self, token_id: int, now: datetime) -> None: ...
    async def revoke_token(self, org_id: int, token_id: int, now: datetime) -> bool: ...


class OrgSettingsRepository(Protocol):
    """Encrypted credentials, preferences (key and JSON value) and the category list."""

    async def secrets(self, org_id: int) -> dict[str, bytes]: ...
    async def set_secret(
        self, org_id: int, name: str, ciphertext: bytes, now: datetime
    ) -> None: ...
    async def delete_secret(self, org_id: int, name: str) -> None: ...
    async def preferences(self, org_id: int) -> dict[str, Any]: ...
    async def set_preferences(
        self, org_id: int, values: Mapping[str, Any], now: datetime
    ) -> None: ...
    async def set_categories(self, org_id: int, names: Sequence[str]) -> None:
        """Keep exactly `names`, in order: new ones added, missing ones hidden (orders keep
        theirs), hidden ones shown again."""
        ...


class BillingRepository(Protocol):
    async def subscription(self, org_id: int) -> Subscription | None: ...
    async def lock_subscription(self, org_id: int, now: datetime) -> Subscription:
        """The organization's subscription row (created as Free when missing), locked until the
        transaction ends, so limit checks and extensions for one organization queue up."""
        ...

    async def save_subscription(
        self, org_id: int, now: datetime, change: SubscriptionChange
    ) -> None: ...
    async def add_payment(self, org_id: int, now: datetime, new: NewPayment) -> Payment: ...
    async def payment_by_order(self, order_id: str, lock: bool = False) -> Payment | None: ...
    async def update_payment(self, payment: Payment, now: datetime, change: PaymentChange) -> bool:
        """Change it only if its status is still the one read; False otherwise."""
        ...

    async def payments(self, org_id: int, limit: int = 10) -> list[Payment]: ...
    async def pending_payments(self, created_before: datetime, limit: int) -> list[Payment]: ...
    async def ending_between(self, start: datetime, end: datetime) -> list[Subscription]: ...
    async def usage(self, org_id: int, period_start: datetime) -> dict[str, int]: ...
    async def add_usage(
        self,
        org_id: int,
        period_start: datetime,
        kind: str,
        amount: int,
        limit: int | None,
        now: datetime,
    ) -> bool:
        """Add `amount` unless that would take the period's total past `limit` (atomically)."""
        ...
