"""Owners switch public intake on and off, choose the state a website's request arrives in
(`draft` held for review, `distributing` offered at once), list the websites allowed to send
(CORS, exact origins) and regenerate the public key. Audited like other settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from core.domain import Actor, Organization, OrgStatus
from core.errors import DomainError
from core.intake.model import (
    ICONS,
    SETTING,
    STATES,
    IntakeSettings,
    clean_required,
    normalize_origins,
    parse_key,
)
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction


@dataclass(frozen=True, slots=True)
class IntakeView:
    settings: IntakeSettings
    public_key: str


@dataclass(frozen=True, slots=True)
class IntakeOrg:
    """The organization a public request names by its key, with its intake settings."""

    organization: Organization
    settings: IntakeSettings


async def stored_settings(uow: UnitOfWork, org_id: int) -> IntakeSettings:
    return IntakeSettings.of((await uow.org_settings.preferences(org_id)).get(SETTING))


class IntakeSettingsService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def view(self, actor: Actor) -> IntakeView:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            found = await stored_settings(uow, org_id)
        return IntakeView(found, found.public_key(org_id))

    async def configure(
        self,
        actor: Actor,
        enabled: bool,
        state: str,
        origins: list[str],
        required: list[str] | None = None,
        icon: str | None = None,
    ) -> IntakeView:
        """Saves the choices (`required`, `icon`: None keeps them); the first save makes
        the key."""
        if state not in STATES or (icon is not None and icon not in ICONS):
            raise DomainError("choose_option")
        cleaned = normalize_origins(origins)

        def how(old: IntakeSettings) -> IntakeSettings:
            new = replace(old, enabled=enabled, state=state, origins=cleaned)
            if required is not None:
                new = replace(new, required=clean_required(required))
            return new if icon is None else replace(new, icon=icon)

        return await self._change(actor, how)

    async def regenerate(self, actor: Actor) -> IntakeView:
        """A new key; the old one stops working at once."""
        return await self._change(actor, lambda old: old.with_new_secret())

    async def _change(
        self, actor: Actor, how: Callable[[IntakeSettings], IntakeSettings]
    ) -> IntakeView:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        async with self._uow() as uow:
            old = await stored_settings(uow, org_id)
            new = how(old)
            if not new.secret:
                new = new.with_new_secret()
            await uow.org_settings.set_preferences(org_id, {SETTING: new.as_data()}, now)
            await record(
                uow, actor, AuditAction.SETTING_CHANGED, now, None,
                name=SETTING, enabled=new.enabled, state=new.state, origins=len(new.origins),
                required=list(new.required), icon=new.icon,
                key="regenerated" if new.secret != old.secret else "kept",
            )  # fmt: skip
            await uow.commit()
        return IntakeView(new, new.public_key(org_id))

    async def find(self, key: str | None) -> IntakeOrg | None:
        """The active organization whose intake is on and whose key this is, else None."""
        parsed = parse_key(key)
        if parsed is None:
            return None
        org_id, secret = parsed
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            if org is None or org.status is not OrgStatus.ACTIVE:
                return None
            found = await stored_settings(uow, org_id)
        if not found.enabled or not found.matches(secret):
            return None
        return IntakeOrg(org, found)
