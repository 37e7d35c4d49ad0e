"""The second factor of the web sign-in: passing it with a TOTP code, a recovery code or a
passkey assertion (core/admin/factors.py has the rules, docs/second-factor.md the why).

Every method works on the browser's session token: what a session may do depends on its
state (pending, set up first, full). A failed code is audited and counted in the same
transaction; the service commits it and answers WRONG (no exception), so the count
survives the refusal.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from core.admin.factor_base import (
    SIGN_IN,
    Checked,
    FactorBase,
    FactorSession,
    may_manage,
)
from core.admin.factors import (
    CHALLENGE_MINUTES,
    TOTP_SHAPE,
    FactorKind,
    Outcome,
    recovery_hash,
    recovery_key,
    sign_count_ok,
)
from core.errors import DomainError


class SecondFactorService(FactorBase):
    """Passing the factor."""

    async def status(self, session_token: str) -> FactorSession:
        async with self._uow() as uow:
            return await self._load(uow, session_token)

    async def check_code(self, session_token: str, code: str) -> Checked:
        """A code from the authenticator app (six digits) or a recovery code."""
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            if not s.factors:
                raise DomainError("second_factor_none")
            if await self._limited(uow, s.actor):
                return Checked(Outcome.LIMITED, s.actor)
            typed, left = code.strip().replace(" ", ""), None
            passed = None
            key = None if TOTP_SHAPE.match(typed) else recovery_key(typed)
            if key is None:
                for factor in s.factors:
                    if factor.kind is FactorKind.TOTP and await self._totp_ok(uow, factor, typed):
                        passed = "totp"
            elif await uow.factors.use_recovery(s.actor.user.id, recovery_hash(key), now):
                passed, left = "recovery", await uow.factors.recovery_left(s.actor.user.id)
            if passed is None:
                kind = "totp" if TOTP_SHAPE.match(typed) else "recovery"
                return await self._failed(uow, s.actor, kind)
            await self._passed(uow, s, passed)
            return Checked(Outcome.PASSED, s.actor, recovery_left=left)

    async def passkey_options(self, session_token: str, purpose: str) -> str:
        """WebAuthn options for the browser (sign-in: the person's passkeys; registration:
        a new one, excluding theirs), with a challenge kept for this session."""
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            ids = [f.credential_id for f in s.passkeys if f.credential_id]
            if purpose == SIGN_IN:
                if not ids:
                    raise DomainError("second_factor_none")
                options, challenge = self._passkeys.authentication_options(ids)
            else:
                may_manage(s)
                user = s.actor.user
                handle = hashlib.sha256(f"astracrm-user:{user.id}".encode()).digest()[:16]
                name = user.display_name
                options, challenge = self._passkeys.registration_options(handle, name, name, ids)
            expires = now + timedelta(minutes=CHALLENGE_MINUTES)
            await uow.factors.put_challenge(s.session.id, purpose, challenge, expires, now)
            await uow.commit()
            return options

    async def check_passkey(self, session_token: str, response: str) -> Checked:
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            if await self._limited(uow, s.actor):
                return Checked(Outcome.LIMITED, s.actor)
            challenge = await uow.factors.take_challenge(s.session.id, SIGN_IN, now)
            try:
                named = self._passkeys.credential_of(response)
                factor = next(f for f in s.passkeys if f.credential_id == named)
                if challenge is None or factor.public_key is None:
                    raise ValueError("no challenge")
                given = self._passkeys.verify_authentication(
                    response, challenge, factor.public_key
                )
            except (ValueError, StopIteration):
                return await self._failed(uow, s.actor, "passkey")
            if not sign_count_ok(factor.sign_count, given.sign_count):
                return await self._failed(uow, s.actor, "passkey", reason="sign_count")
            if not await uow.factors.use_count(
                factor.id, factor.sign_count, given.sign_count, now
            ):
                return await self._failed(uow, s.actor, "passkey", reason="sign_count")
            await self._passed(uow, s, "passkey")
            return Checked(Outcome.PASSED, s.actor)
