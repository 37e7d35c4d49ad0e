"""What both second-factor services share (core/admin/second_factor.py passes factors,
core/admin/factor_setup.py adds and removes them): a session as the second factor sees it,
and the audited, counted outcomes of a check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from core.admin.factor_ports import Passkeys, TotpCodes
from core.admin.factors import (
    FAILURE_MINUTES,
    MAX_FAILURES,
    TOTP_TOLERANCE,
    Factor,
    FactorKind,
    Outcome,
    SessionState,
    fresh,
    new_recovery_codes,
    recovery_hash,
    recovery_key,
    step_is_new,
)
from core.admin.model import AdminSession, token_hash
from core.admin.service import TOKEN_SHAPE, scoped_actor, state_of
from core.domain import Actor
from core.errors import DomainError
from core.ports import Clock, SecretBox, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction

ISSUER = "AstraCRM"
SIGN_IN, REGISTER = "signin", "register"


@dataclass(frozen=True, slots=True)
class FactorSession:
    """A signed-in browser as the second factor sees it: its person, state and factors."""

    actor: Actor
    session: AdminSession
    state: SessionState
    factors: list[Factor]  # confirmed ones
    recovery_left: int
    fresh: bool  # a factor was passed in this session within FRESH_MINUTES

    @property
    def passkeys(self) -> list[Factor]:
        return [f for f in self.factors if f.kind is FactorKind.PASSKEY]

    @property
    def has_totp(self) -> bool:
        return any(f.kind is FactorKind.TOTP for f in self.factors)

    @property
    def required(self) -> bool:
        return self.session.factor_required


@dataclass(frozen=True, slots=True)
class TotpSetup:
    secret: str  # base32, shown once as text and as a QR code
    uri: str  # otpauth://totp/...


@dataclass(frozen=True, slots=True)
class Checked:
    outcome: Outcome
    actor: Actor
    recovery_codes: list[str] = field(default_factory=list)  # new ones, shown once
    recovery_left: int | None = None  # after a recovery code was spent
    setup: TotpSetup | None = None  # a TOTP setup to show again after a wrong code


class FactorBase:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        box: SecretBox | None,
        totp: TotpCodes,
        passkeys: Passkeys,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._box = box
        self._totp = totp
        self._passkeys = passkeys

    async def _load(self, uow: UnitOfWork, session_token: str) -> FactorSession:
        if not TOKEN_SHAPE.match(session_token):
            raise DomainError("session_invalid")
        now = self._clock.now()
        session = await uow.admin.session(token_hash(session_token))
        if session is None or session.revoked_at is not None or session.expires_at <= now:
            raise DomainError("session_invalid")
        actor = await scoped_actor(uow, session.user_id, session.organization_id)
        factors = [f for f in await uow.factors.factors(actor.user.id) if f.confirmed]
        left = await uow.factors.recovery_left(actor.user.id) if factors else 0
        state = state_of(session, actor)
        is_fresh = fresh(session.second_factor_at, now)
        return FactorSession(actor, session, state, factors, left, is_fresh)

    async def _totp_ok(self, uow: UnitOfWork, factor: Factor, typed: str) -> bool:
        if factor.secret is None:
            return False
        secret = self._secret_box().decrypt(factor.secret).decode()
        step = self._totp.step_of(secret, typed, self._clock.now(), TOTP_TOLERANCE)
        if step is None or not step_is_new(factor.last_step, step):
            return False  # wrong, or replayed within its window
        return await uow.factors.use_step(factor.id, step, self._clock.now())

    async def _limited(self, uow: UnitOfWork, actor: Actor) -> bool:
        since = self._clock.now() - timedelta(minutes=FAILURE_MINUTES)
        action = AuditAction.SECOND_FACTOR_FAILED.value
        return await uow.factors.failures(actor.user.id, action, since) >= MAX_FAILURES

    async def _failed(
        self, uow: UnitOfWork, actor: Actor, kind: str, reason: str = "wrong"
    ) -> Checked:
        """Audited (kind and reason, never what was typed) and counted by `_limited`."""
        now = self._clock.now()
        action = AuditAction.SECOND_FACTOR_FAILED
        await record(uow, actor, action, now, None, kind=kind, reason=reason)
        await uow.commit()
        return Checked(Outcome.WRONG, actor)

    async def _passed(self, uow: UnitOfWork, s: FactorSession, kind: str) -> None:
        now = self._clock.now()
        await uow.factors.pass_session(s.session.id, now)
        await record(uow, s.actor, AuditAction.SECOND_FACTOR_PASSED, now, kind=kind)
        await uow.commit()

    async def _added(self, uow: UnitOfWork, s: FactorSession, factor: Factor) -> Checked:
        """A factor was added in this session: the session has passed it, and the first
        factor comes with recovery codes."""
        now = self._clock.now()
        await uow.factors.pass_session(s.session.id, now)
        subject = ("second_factor", factor.id)
        await record(
            uow, s.actor, AuditAction.SECOND_FACTOR_ADDED, now, subject, kind=factor.kind.value
        )
        codes = [] if s.recovery_left else await self._recovery(uow, s.actor)
        await uow.commit()
        return Checked(Outcome.PASSED, s.actor, recovery_codes=codes)

    async def _recovery(self, uow: UnitOfWork, actor: Actor) -> list[str]:
        codes = new_recovery_codes()
        hashes = [recovery_hash(k) for c in codes if (k := recovery_key(c)) is not None]
        await uow.factors.replace_recovery(actor.user.id, hashes, self._clock.now())
        await record(uow, actor, AuditAction.RECOVERY_CODES_CREATED, self._clock.now())
        return codes

    def _secret_box(self) -> SecretBox:
        if self._box is None:
            raise DomainError("credentials_unavailable")
        return self._box

    def _uri(self, actor: Actor, secret: str) -> str:
        org = actor.organization.name if actor.organization else ISSUER
        return self._totp.uri(secret, f"{actor.user.display_name} ({org})", ISSUER)


def may_manage(s: FactorSession) -> None:
    """Adding or removing factors needs a session past its second factor (or one that must
    set one up first)."""
    if s.state is SessionState.PENDING:
        raise DomainError("second_factor_pending")
