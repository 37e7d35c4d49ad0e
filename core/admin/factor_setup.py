"""Adding and removing second factors, recovery codes, and the organization's rule that
owners must have one. Adding a factor passes it for the session that added it; the first
factor comes with ten recovery codes, shown once."""

from __future__ import annotations

from core.admin.factor_base import (
    REGISTER,
    Checked,
    FactorBase,
    TotpSetup,
    may_manage,
)
from core.admin.factors import (
    FACTOR_NAME_MAX,
    REQUIRED_SETTING,
    TOTP_SHAPE,
    TOTP_TOLERANCE,
    FactorKind,
    Outcome,
)
from core.domain import Role
from core.errors import DomainError
from core.permissions import Action, require
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_name


class FactorSetupService(FactorBase):
    """Managing one's factors."""

    async def register_passkey(self, session_token: str, response: str, name: str) -> Checked:
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            challenge = await uow.factors.take_challenge(s.session.id, REGISTER, now)
            if challenge is None:
                raise DomainError("passkey_expired")
            try:
                new = self._passkeys.verify_registration(response, challenge)
            except ValueError:
                raise DomainError("passkey_invalid") from None
            if await uow.factors.passkey(new.credential_id) is not None:
                raise DomainError("passkey_exists")
            label = clean_name(name or "Passkey", FACTOR_NAME_MAX)
            user_id = s.actor.user.id
            added = await uow.factors.add_factor(
                user_id, FactorKind.PASSKEY, label, now, passkey=new
            )
            return await self._added(uow, s, added)

    async def start_totp(self, session_token: str) -> TotpSetup:
        """A new secret for an authenticator app, kept encrypted and unconfirmed until its
        first code is typed (an earlier unconfirmed one is dropped)."""
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            if s.has_totp:
                raise DomainError("totp_exists")
            box = self._secret_box()
            secret = self._totp.new_secret()
            await uow.factors.drop_unconfirmed(s.actor.user.id)
            await uow.factors.add_factor(
                s.actor.user.id,
                FactorKind.TOTP,
                "Authenticator app",
                now,
                secret=box.encrypt(secret.encode()),
            )
            await uow.commit()
            return TotpSetup(secret, self._uri(s.actor, secret))

    async def confirm_totp(self, session_token: str, code: str) -> Checked:
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            found = [
                f
                for f in await uow.factors.factors(s.actor.user.id)
                if f.kind is FactorKind.TOTP and not f.confirmed
            ]
            if not found or found[-1].secret is None:
                raise DomainError("totp_not_started")
            factor = found[-1]
            secret = self._secret_box().decrypt(found[-1].secret).decode()
            setup = TotpSetup(secret, self._uri(s.actor, secret))
            if await self._limited(uow, s.actor):
                return Checked(Outcome.LIMITED, s.actor, setup=setup)
            typed = code.strip().replace(" ", "")
            step = self._totp.step_of(secret, typed, now, TOTP_TOLERANCE)
            if not TOTP_SHAPE.match(typed) or step is None:
                failed = await self._failed(uow, s.actor, "totp_setup")
                return Checked(failed.outcome, s.actor, setup=setup)
            await uow.factors.confirm(factor.id, step, now)
            return await self._added(uow, s, factor)

    async def remove(self, session_token: str, factor_id: int) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            if not s.fresh:
                raise DomainError("second_factor_not_fresh")
            user_id = s.actor.user.id
            rest = [f for f in s.factors if f.id != factor_id]
            if not rest and s.required and s.actor.role is Role.OWNER:
                raise DomainError("second_factor_required_owner")
            if not await uow.factors.remove_factor(user_id, factor_id):
                raise DomainError("not_found")
            if not rest:
                await uow.factors.drop_recovery(user_id)
            await record(
                uow, s.actor, AuditAction.SECOND_FACTOR_REMOVED, now, ("second_factor", factor_id)
            )
            await uow.commit()

    async def new_recovery_codes(self, session_token: str) -> list[str]:
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            if not s.factors:
                raise DomainError("second_factor_none")
            if not s.fresh:
                raise DomainError("second_factor_not_fresh")
            codes = await self._recovery(uow, s.actor)
            await uow.commit()
            return codes

    async def set_required(self, session_token: str, required: bool) -> None:
        """Owners of the organization must pass a second factor (set one up first)."""
        now = self._clock.now()
        async with self._uow() as uow:
            s = await self._load(uow, session_token)
            may_manage(s)
            require(s.actor, Action.ORG_SETTINGS)
            assert s.actor.organization is not None
            if required and not s.factors:
                raise DomainError("second_factor_yours_first")
            org_id = s.actor.organization.id
            await uow.org_settings.set_preferences(org_id, {REQUIRED_SETTING: required}, now)
            await record(
                uow,
                s.actor,
                AuditAction.SETTING_CHANGED,
                now,
                name=REQUIRED_SETTING,
                old=s.required,
                new=required,
            )
            await uow.commit()
