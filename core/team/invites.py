"""Invitations by deep link: unguessable tokens with an expiry and a use limit, stored hashed."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.billing.plans import PlanGuard
from core.changes import UserChange
from core.domain import Actor, Invite, OrgStatus, Role, User
from core.errors import DomainError
from core.outcomes import Joined
from core.permissions import Action, may_invite, require, require_writable
from core.ports import Clock, UnitOfWork, UowFactory

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
INVITE_PREFIX = "i_"
MAX_USES_LIMIT = 100
MAX_DAYS_LIMIT = 90


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    invite: Invite
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InviteService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        default_days: int = 7,
        default_uses: int = 1,
        plans: PlanGuard | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._plans = plans or PlanGuard(enforced=False)
        self._days = default_days
        self._uses = default_uses

    async def create(
        self, actor: Actor, role: Role, uses: int | None = None, days: int | None = None
    ) -> IssuedInvite:
        require(actor, Action.TEAM_VIEW)
        require_writable(actor)
        if not may_invite(actor.role, role):
            raise DomainError("forbidden", action="invite_" + role.value)
        uses = self._uses if uses is None else uses
        days = self._days if days is None else days
        if not 1 <= uses <= MAX_USES_LIMIT:
            raise DomainError("invite_uses_range", limit=MAX_USES_LIMIT)
        if not 1 <= days <= MAX_DAYS_LIMIT:
            raise DomainError("invite_days_range", limit=MAX_DAYS_LIMIT)
        assert actor.organization is not None
        token = INVITE_PREFIX + secrets.token_urlsafe(24)
        now = self._clock.now()
        async with self._uow() as uow:
            invite = await uow.invites.add(
                actor.organization.id,
                hash_token(token),
                role,
                actor.user.id,
                now + timedelta(days=days),
                uses,
                now,
            )
            await uow.commit()
        return IssuedInvite(invite, token)

    async def revoke(self, actor: Actor, invite_id: int) -> None:
        require(actor, Action.TEAM_VIEW)
        assert actor.organization is not None
        async with self._uow() as uow:
            await uow.invites.revoke(actor.organization.id, invite_id, self._clock.now())
            await uow.commit()

    async def accept(self, actor: Actor, token: str) -> Joined:
        async with self._uow() as uow:
            now = self._clock.now()
            joined = await join_with_token(uow, actor.user, token, now, self._plans)
            await uow.commit()
            return joined


async def join_with_token(
    uow: UnitOfWork, user: User, token: str, now: datetime, plans: PlanGuard
) -> Joined:
    """Validate an invite token and make `user` a member; every failure changes nothing."""
    if not TOKEN_PATTERN.match(token):
        raise DomainError("invite_invalid")
    invite = await uow.invites.by_token_hash(hash_token(token))
    if invite is None:
        raise DomainError("invite_invalid")
    org = await uow.orgs.get(invite.organization_id)
    if org is None or org.status is not OrgStatus.ACTIVE:
        raise DomainError("invite_invalid")
    existing = await uow.members.get(org.id, user.id)
    if existing is not None:
        if not existing.active:
            raise DomainError("access_revoked")
        await uow.users.update(user.id, UserChange(active_org_id=org.id))
        return Joined(org, existing.role, None, already_member=True)
    _check_usable(invite, now)
    await plans.admit_member(uow, org.id, now)
    if not await uow.invites.use(invite.id, now):
        raise DomainError("invite_used_up")
    await uow.members.add(org.id, user.id, invite.role, now)
    await uow.users.update(user.id, UserChange(active_org_id=org.id))
    return Joined(org, invite.role, await uow.users.get(invite.created_by))


def _check_usable(invite: Invite, now: datetime) -> None:
    if invite.revoked_at is not None:
        raise DomainError("invite_revoked")
    if invite.expires_at <= now:
        raise DomainError("invite_expired")
    if invite.uses >= invite.max_uses:
        raise DomainError("invite_used_up")
