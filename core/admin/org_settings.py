"""An organization's settings as its owners edit them on the admin page or through the API:
profile, service categories, digest and reminder times, notification defaults, and the
integration credentials (encrypted at rest, shown masked, used per organization).

Digest and reminder times are not stored here: they are the signed-in member's own
notification preferences, the ones /notifications changes and the scheduler reads, so the
page, the API and the bot always show one setting. Every change is audited with its old and
new value (credentials and the organization's name only say that they changed)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from core.admin.model import CREDENTIAL_MAX, CREDENTIALS, mask
from core.changes import KEEP, OrgChange, given
from core.domain import LANGUAGES, Actor, Organization
from core.errors import DomainError
from core.notifications.rules import MAX_REMINDER_MINUTES, reminder_setting, with_times
from core.notifications.rules import Preferences as Personal
from core.notifications.schedule import hhmm, parse_hhmm
from core.permissions import Action, require
from core.ports import Clock, SecretBox, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.recurring.occurrences import follow_zone
from core.regional import parse_currency, parse_timezone
from core.text import clean_line, clean_name, search_key

log = logging.getLogger(__name__)

TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_CATEGORIES = 30
ORG_FLAGS = ("notify_new_orders", "notify_done", "notify_payments")  # stored per organization
UNSHOWN = frozenset({"name"})  # audited as changed, without the values


@dataclass(frozen=True, slots=True)
class Preferences:
    """The page's rules: the member's own digest time and reminder lead (HH:MM; minutes
    before an order, 0 off), and the organization's notification defaults."""

    digest_time: str = "20:00"
    reminder_minutes: int = 30
    notify_new_orders: bool = True
    notify_done: bool = True
    notify_payments: bool = True


@dataclass(frozen=True, slots=True)
class CredentialView:
    name: str
    masked: str | None  # None: not set for the organization
    readable: bool = True  # False: stored under another ENCRYPTION_KEY; enter it again


@dataclass(frozen=True, slots=True)
class OrgSettingsView:
    organization: Organization
    categories: list[str]
    preferences: Preferences
    credentials: list[CredentialView]


def _preferences(stored: Mapping[str, Any], mine: Personal) -> Preferences:
    flags = {k: bool(v) for k, v in stored.items() if k in ORG_FLAGS}
    return Preferences(hhmm(mine.digest_at), reminder_setting(mine), **flags)


async def audit_changes(
    uow: UnitOfWork, actor: Actor, now: datetime, old: Mapping[str, Any], new: Mapping[str, Any]
) -> None:
    """One `setting.changed` entry per setting whose value changed, saying from what to what."""
    for name, value in new.items():
        if old.get(name) != value:
            shown = {} if name in UNSHOWN else {"old": old.get(name), "new": value}
            await record(uow, actor, AuditAction.SETTING_CHANGED, now, name=name, **shown)


class OrgSettingsService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        box: SecretBox | None,
        fallback: Mapping[str, str] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._box = box
        self._fallback = dict(fallback or {})

    async def view(self, actor: Actor) -> OrgSettingsView:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            categories = await uow.categories.names(org_id)
            stored = await uow.org_settings.preferences(org_id)
            mine = await uow.notifications.preferences(actor.user.id)
            secrets = await uow.org_settings.secrets(org_id)
        assert org is not None
        views = [self._credential_view(org_id, n, secrets.get(n)) for n in CREDENTIALS]
        return OrgSettingsView(org, categories, _preferences(stored, mine), views)

    async def update_profile(
        self,
        actor: Actor,
        name: str | None = None,
        timezone: str | None = None,
        currency: str | None = None,
        language: str | None = None,
    ) -> Organization:
        """Changes what is given; every value is checked before anything is saved."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        changes = _profile_changes(name, timezone, currency, language)
        async with self._uow() as uow:
            found = await uow.orgs.get(actor.organization.id)
            assert found is not None
            if not given(changes):
                return found
            now = self._clock.now()
            await audit_changes(uow, actor, now, _profile_of(found), given(changes))
            org = await uow.orgs.update(actor.organization.id, replace(changes, updated_at=now))
            if org.timezone != found.timezone:  # series' visits keep their wall-clock time
                await follow_zone(uow, org.id, found.timezone, org.timezone, now)
            await uow.commit()
            return org

    async def set_categories(self, actor: Actor, names: Sequence[str]) -> list[str]:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        cleaned = _categories(names)
        async with self._uow() as uow:
            before = await uow.categories.names(actor.organization.id)
            await uow.org_settings.set_categories(actor.organization.id, cleaned)
            old, new = {"categories": before}, {"categories": cleaned}
            await audit_changes(uow, actor, self._clock.now(), old, new)
            await uow.commit()
        return cleaned

    async def set_preferences(self, actor: Actor, **values: Any) -> Preferences:
        """Times go to the member's own notification preferences, the flags to the
        organization's; both in one transaction with their audit entries."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id, user_id, now = actor.organization.id, actor.user.id, self._clock.now()
        async with self._uow() as uow:
            stored = await uow.org_settings.preferences(org_id)
            mine = await uow.notifications.preferences(user_id)
            current = _preferences(stored, mine)
            updated = _checked(replace(current, **_known(values)))
            flags = {name: getattr(updated, name) for name in ORG_FLAGS}
            await uow.org_settings.set_preferences(org_id, flags, now)
            personal = with_times(mine, parse_hhmm(updated.digest_time), updated.reminder_minutes)
            await uow.notifications.save_preferences(user_id, personal, now)
            await audit_changes(uow, actor, now, _as_dict(current), _as_dict(updated))
            await uow.commit()
        return updated

    async def set_credential(self, actor: Actor, name: str, value: str) -> CredentialView:
        require(actor, Action.ORG_SETTINGS)
        secret = _credential(name, value)
        await self.store_secret(actor, name, secret)
        return CredentialView(name, mask(secret))

    async def store_secret(self, actor: Actor, name: str, secret: str) -> None:
        """Encrypt and keep `secret` under `name` (audited: only that it changed); the caller
        checked both (a credential above, the client loop's SMS provider or SMTP server)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        if self._box is None:
            raise DomainError("credentials_unavailable")
        ciphertext = self._box.encrypt(secret.encode())
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.org_settings.set_secret(actor.organization.id, name, ciphertext, now)
            await record(uow, actor, AuditAction.SETTING_CHANGED, now, name=name, new="set")
            await uow.commit()

    async def clear_credential(self, actor: Actor, name: str, *, known: bool = False) -> None:
        require(actor, Action.ORG_SETTINGS)  # known: the caller's own secret (client loop)
        assert actor.organization is not None
        if name not in CREDENTIALS and not known:
            raise DomainError("credential_unknown")
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.org_settings.delete_secret(actor.organization.id, name)
            await record(uow, actor, AuditAction.SETTING_CHANGED, now, name=name, new="removed")
            await uow.commit()

    async def credential_in(self, uow: UnitOfWork, org_id: int, name: str) -> str | None:
        """For the integrations, in the caller's transaction: the organization's own key, else
        the deployment's, else None."""
        ciphertext = (await uow.org_settings.secrets(org_id)).get(name)
        own = self._open(ciphertext, org_id, name) if ciphertext else None
        return own or self._fallback.get(name) or None

    def _open(self, ciphertext: bytes, org_id: int, name: str) -> str | None:
        if self._box is None:
            return None
        try:
            return self._box.decrypt(ciphertext).decode()
        except ValueError:
            log.warning("credential %s of organization %s cannot be decrypted", name, org_id)
            return None

    def _credential_view(self, org_id: int, name: str, ciphertext: bytes | None) -> CredentialView:
        if ciphertext is None:
            return CredentialView(name, None)
        plain = self._open(ciphertext, org_id, name)
        return CredentialView(name, mask(plain) if plain else "••••", readable=plain is not None)


def _profile_changes(
    name: str | None, timezone: str | None, currency: str | None, language: str | None
) -> OrgChange:
    if language is not None and language not in LANGUAGES:
        raise DomainError("choose_option")
    return OrgChange(
        name=KEEP if name is None else clean_name(name),
        timezone=KEEP if timezone is None else parse_timezone(timezone),
        currency=KEEP if currency is None else parse_currency(currency),
        language=KEEP if language is None else language,
    )


def _categories(names: Sequence[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for name in names:
        if clean_line(name):
            cleaned.setdefault(search_key(name), clean_name(name))
    if not cleaned:
        raise DomainError("categories_empty")
    if len(cleaned) > MAX_CATEGORIES:
        raise DomainError("categories_too_many", limit=MAX_CATEGORIES)
    return list(cleaned.values())


def _profile_of(org: Organization) -> dict[str, Any]:
    return {"name": org.name, "timezone": org.timezone, "currency": org.currency,
            "language": org.language}  # fmt: skip


def _as_dict(prefs: Preferences) -> dict[str, Any]:
    return {f.name: getattr(prefs, f.name) for f in fields(Preferences)}


def _known(values: Mapping[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(Preferences)}
    return {k: v for k, v in values.items() if k in known and v is not None}


def _checked(prefs: Preferences) -> Preferences:
    if not isinstance(prefs.digest_time, str) or not TIME_OF_DAY.match(prefs.digest_time):
        raise DomainError("time_of_day_invalid", given=str(prefs.digest_time)[:16])
    minutes = prefs.reminder_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise DomainError("reminder_range", limit=MAX_REMINDER_MINUTES)
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        raise DomainError("reminder_range", limit=MAX_REMINDER_MINUTES)
    return prefs


def _credential(name: str, value: str) -> str:
    if name not in CREDENTIALS:
        raise DomainError("credential_unknown")
    secret = value.strip()
    if not secret or len(secret) > CREDENTIAL_MAX or any(ch.isspace() for ch in secret):
        raise DomainError("credential_invalid", limit=CREDENTIAL_MAX)
    return secret
