"""A person's browser sessions (issue 25, item 12): the sessions page lists the open ones
(browser and system from the User-Agent, address, first and last seen) and ends one or all;
"Not you? Sign out everywhere" in the chat ends all; and a refused sign-in (an unknown,
expired or used link, a session cookie our key did not sign) is audited by its reason, never
with the token.

A session belongs to one organization; the person's sessions are theirs in every
organization, so "everywhere" means every organization too."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from core.admin.model import (
    IP_MAX,
    SEEN_EVERY_SECONDS,
    AdminSession,
    Origin,
    SessionLine,
    SignInLink,
    token_hash,
)
from core.admin.user_agent import capped
from core.domain import Actor
from core.errors import DomainError
from core.ports import Clock, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction


class Failure(StrEnum):
    """Why a sign-in was refused (the audit's `reason`, the metric's label)."""

    LINK_UNKNOWN = "link_unknown"  # no such link (a typo, a guess, a forgery)
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    COOKIE_FORGED = "cookie_forged"  # a session cookie our SECRET_KEY did not sign


class SignInRefused(DomainError):
    """`sign_in_invalid`, with why and (for a link that exists) whose link it was."""

    def __init__(self, reason: Failure, link: SignInLink | None = None) -> None:
        super().__init__("sign_in_invalid")
        self.reason = reason
        self.link = link


def refusal(link: SignInLink | None) -> SignInRefused:
    """Why a link could not be used: it does not exist, was used, or has expired."""
    if link is None:
        return SignInRefused(Failure.LINK_UNKNOWN)
    if link.used_at is not None:
        return SignInRefused(Failure.LINK_USED, link)
    return SignInRefused(Failure.LINK_EXPIRED, link)


def stored_origin(origin: Origin) -> Origin:
    """What a session keeps of where it came from: the User-Agent capped, the address."""
    return Origin(capped(origin.user_agent), origin.ip[:IP_MAX], origin.device)


def seen_due(session: AdminSession, now: datetime) -> datetime | None:
    """The moment before which "last seen" is stale (it is then written again), or None
    when it was written less than a minute ago."""
    before = now - timedelta(seconds=SEEN_EVERY_SECONDS)
    if session.last_seen_at is None or session.last_seen_at <= before:
        return before
    return None


class AdminSessions:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def listing(self, actor: Actor, current_token: str) -> list[SessionLine]:
        """The person's open sessions, newest first; `current_token`'s is marked."""
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.admin.session(token_hash(current_token))
            found = await uow.admin.open_sessions(actor.user.id, now)
        here = current.id if current is not None else None
        return [SessionLine(session, org, session.id == here) for session, org in found]

    async def revoke(self, actor: Actor, session_id: int, current_token: str) -> bool:
        """End one of the person's own open sessions (someone else's, or one already ended:
        not found); True when it was the caller's own (`current_token`'s)."""
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.admin.revoke_user_sessions(actor.user.id, now, session_id):
                raise DomainError("not_found")
            subject = ("admin_session", session_id)
            await record(uow, actor, AuditAction.ADMIN_SIGNED_OUT, now, subject)
            current = await uow.admin.session(token_hash(current_token))
            await uow.commit()
        return current is not None and current.id == session_id

    async def revoke_all(self, actor: Actor, via: str) -> int:
        """End every open session of the person, in every organization; how many ended.
        `via`: "web" (the sessions page) or "telegram" (the chat's button)."""
        now = self._clock.now()
        async with self._uow() as uow:
            ended = await uow.admin.revoke_user_sessions(actor.user.id, now)
            action = AuditAction.ADMIN_SIGNED_OUT_EVERYWHERE
            await record(uow, actor, action, now, None, sessions=ended, via=via)
            await uow.commit()
        return ended

    async def refused(self, reason: Failure, link: SignInLink | None = None) -> None:
        """Audit a refused sign-in: the reason and, for a link that exists, its organization
        and member (as the subject: nobody known did it). Never the token or the address."""
        org_id = link.organization_id if link is not None else None
        user_id = link.user_id if link is not None else None
        kind = "app_user" if link is not None else None
        action = AuditAction.ADMIN_SIGN_IN_FAILED.value
        async with self._uow() as uow:
            data = {"reason": reason.value}
            await uow.audit.add(org_id, None, action, kind, user_id, data, self._clock.now())
            await uow.commit()
