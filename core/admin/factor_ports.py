"""Ports of the second factor: its repository, the TOTP arithmetic (pyotp) and WebAuthn's
ceremonies (the `webauthn` library), both in integrations/. Re-exported by `core.ports`."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.admin.factors import Assertion, Factor, FactorKind, NewPasskey


class SecondFactorRepository(Protocol):
    """A person's factors and recovery codes, a session's WebAuthn challenges, and failures
    counted from the audit log. Every "spend" is a conditional update: of two concurrent
    uses of the same code, step or challenge, one wins."""

    async def factors(self, user_id: int) -> list[Factor]: ...
    async def factor(self, user_id: int, factor_id: int) -> Factor | None: ...
    async def passkey(self, credential_id: str) -> Factor | None: ...
    async def add_factor(
        self,
        user_id: int,
        kind: FactorKind,
        name: str,
        now: datetime,
        secret: bytes | None = None,
        passkey: NewPasskey | None = None,
    ) -> Factor: ...
    async def drop_unconfirmed(self, user_id: int) -> None: ...
    async def confirm(self, factor_id: int, step: int, now: datetime) -> None: ...
    async def use_step(self, factor_id: int, step: int, now: datetime) -> bool:
        """Store `step` as the last one if it is later than the stored one; False if not."""
        ...

    async def use_count(self, factor_id: int, old: int, new: int, now: datetime) -> bool:
        """Store the passkey's new signature counter if the stored one is still `old`."""
        ...

    async def remove_factor(self, user_id: int, factor_id: int) -> bool: ...
    async def replace_recovery(self, user_id: int, hashes: list[str], now: datetime) -> None: ...
    async def recovery_left(self, user_id: int) -> int: ...
    async def use_recovery(self, user_id: int, code_hash: str, now: datetime) -> bool: ...
    async def drop_recovery(self, user_id: int) -> None: ...
    async def put_challenge(
        self, session_id: int, purpose: str, challenge: str, expires_at: datetime, now: datetime
    ) -> None: ...
    async def take_challenge(self, session_id: int, purpose: str, now: datetime) -> str | None:
        """The session's unexpired challenge for `purpose`, deleted as it is read."""
        ...

    async def failures(self, user_id: int, action: str, since: datetime) -> int: ...
    async def pass_session(self, session_id: int, now: datetime) -> None:
        """The session passed a factor now (admin_session.second_factor_at)."""
        ...


class TotpCodes(Protocol):
    def new_secret(self) -> str: ...
    def uri(self, secret: str, account: str, issuer: str) -> str: ...
    def step_of(self, secret: str, code: str, now: datetime, tolerance: int) -> int | None:
        """The time step within `tolerance` steps of `now` whose code is `code`, or None."""
        ...


class Passkeys(Protocol):
    """WebAuthn for one relying party (the host of PUBLIC_BASE_URL). Options and responses
    are the JSON the browser's `navigator.credentials` calls take and give; challenges are
    base64url. A response that does not verify raises ValueError."""

    def registration_options(
        self, user_handle: bytes, name: str, display_name: str, exclude: list[str]
    ) -> tuple[str, str]:
        """(options JSON, challenge)"""
        ...

    def verify_registration(self, response: str, challenge: str) -> NewPasskey: ...
    def authentication_options(self, allow: list[str]) -> tuple[str, str]: ...
    def credential_of(self, response: str) -> str:
        """The credential id an assertion names (before it is verified)."""
        ...

    def verify_authentication(
        self, response: str, challenge: str, public_key: bytes
    ) -> Assertion: ...
