"""The client loop's settings and templates use cases (the base of `ClientLoopService`), and
the small reads the client's chat needs (whose client a person is, whose a link is).

Owners change them (like the organization's other settings); owners and managers read them.
Jobs and handlers that send read them by organization without an actor.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.client_loop.eta import checked_eta
from core.client_loop.model import ClientLink, ClientLoopSettings, MessageKind, Template
from core.client_loop.templates import EDITABLE, LANGUAGES, check, default
from core.client_loop.tokens import hash_token, looks_like_invite
from core.domain import Actor, Organization, OrgStatus
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction

TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_RATING_DELAY = 7 * 24 * 60


def checked_settings(settings: ClientLoopSettings) -> ClientLoopSettings:
    """The settings if valid, else a DomainError naming the first wrong field."""
    if not TIME_OF_DAY.match(settings.reminder_at):
        raise DomainError("time_of_day_invalid", given=settings.reminder_at[:16])
    delay = settings.rating_delay_minutes
    if isinstance(delay, bool) or not 0 <= delay <= MAX_RATING_DELAY:
        raise DomainError("rating_delay_range", limit=MAX_RATING_DELAY)
    checked_eta(settings.eta_detour, settings.eta_speed_kmh)
    if MessageKind.CLIENT_MESSAGE in settings.disabled:
        raise DomainError("choose_option")
    return replace(settings, disabled=frozenset(MessageKind(k) for k in settings.disabled))


def _checked_slot(kind: MessageKind, language: str) -> None:
    if kind not in EDITABLE or language not in LANGUAGES:
        raise DomainError("choose_option")


class ClientLoopSetup:
    def __init__(
        self, uow: UowFactory, clock: Clock, invite_days: int = 7, public_url: str | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._invite_days = invite_days
        # where the client page lives (`…/c/`), for links in SMS and e-mail; None: no links
        self._pages = public_url.rstrip("/") + "/c/" if public_url else None

    async def client_of(self, user_id: int) -> list[tuple[ClientLink, Organization]]:
        """The active organizations this person is a linked client of, oldest link first."""
        async with self._uow() as uow:
            found = []
            for link in await uow.client_loop.links_of_user(user_id):
                org = await uow.orgs.get(link.organization_id)
                if org is not None and org.status is OrgStatus.ACTIVE:
                    found.append((link, org))
        return found

    async def invite_org(self, payload: str) -> int | None:
        """The organization a client link belongs to, without using it (None: unknown)."""
        if not looks_like_invite(payload):
            return None
        async with self._uow() as uow:
            invite = await uow.client_loop.invite_by_hash(hash_token(payload))
        return invite.organization_id if invite is not None else None

    async def linked(self, actor: Actor, client_id: int) -> bool:
        """Whether the client of the actor's organization is linked to a Telegram chat."""
        require(actor, Action.CLIENT_VIEW)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.client_loop.link(actor.organization.id, client_id) is not None

    async def settings_for(self, org_id: int) -> ClientLoopSettings:
        async with self._uow() as uow:
            return await uow.client_loop.settings(org_id)

    async def settings(self, actor: Actor) -> ClientLoopSettings:
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        return await self.settings_for(actor.organization.id)

    async def update_settings(
        self, actor: Actor, settings: ClientLoopSettings
    ) -> ClientLoopSettings:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        new = checked_settings(settings)
        org_id = actor.organization.id
        async with self._uow() as uow:
            old = await uow.client_loop.settings(org_id)
            changed = [n for n in _fields(new) if getattr(new, n) != getattr(old, n)]
            if changed:
                now = self._clock.now()
                await uow.client_loop.save_settings(org_id, new, now)
                await record(
                    uow, actor, AuditAction.SETTING_CHANGED, now, None, name="client_loop",
                    fields=changed,
                )  # fmt: skip
                await uow.commit()
        return new

    async def template_for(self, org_id: int, kind: MessageKind, language: str) -> Template:
        """The organization's own text for the kind in the language, else the built-in one."""
        language = language if language in LANGUAGES else "en"
        async with self._uow() as uow:
            found = await uow.client_loop.templates(org_id)
        for template in found:
            if template.kind is kind and template.language == language:
                return template
        return Template(kind, language, default(kind, language), custom=False)

    async def templates(self, actor: Actor, language: str) -> list[Template]:
        """Every editable kind in the language: the organization's text or the default."""
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        if language not in LANGUAGES:
            raise DomainError("choose_option")
        async with self._uow() as uow:
            own = {
                t.kind: t
                for t in await uow.client_loop.templates(actor.organization.id)
                if t.language == language
            }
        return [
            own.get(kind) or Template(kind, language, default(kind, language), custom=False)
            for kind in EDITABLE
        ]

    async def set_template(
        self, actor: Actor, kind: MessageKind, language: str, body: str
    ) -> Template:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        _checked_slot(kind, language)
        check(kind, body)
        async with self._uow() as uow:
            now = self._clock.now()
            org_id = actor.organization.id
            await uow.client_loop.save_template(org_id, kind, language, body, actor.user.id, now)
            await record(
                uow, actor, AuditAction.SETTING_CHANGED, now, None, name="client_template",
                kind=kind.value, language=language,
            )  # fmt: skip
            await uow.commit()
        return Template(kind, language, body)

    async def reset_template(self, actor: Actor, kind: MessageKind, language: str) -> Template:
        """Back to the built-in text."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        _checked_slot(kind, language)
        async with self._uow() as uow:
            if await uow.client_loop.delete_template(actor.organization.id, kind, language):
                now = self._clock.now()
                await record(
                    uow, actor, AuditAction.SETTING_CHANGED, now, None, name="client_template",
                    kind=kind.value, language=language, reset=True,
                )  # fmt: skip
                await uow.commit()
        return Template(kind, language, default(kind, language), custom=False)


def _fields(settings: ClientLoopSettings) -> tuple[str, ...]:
    return tuple(settings.__dataclass_fields__)
