"""The team: listing members, changing roles, deactivating and reactivating, switching orgs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.changes import MembershipChange, OrgChange, UserChange
from core.domain import Actor, MemberView, OrgChoice, Role, User
from core.errors import DomainError
from core.permissions import Action, may_manage, require, require_writable
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.team.ai_switches import set_ai

MAX_PHOTOS_REQUIRED = 20
MAX_CONTACT_GRACE_HOURS = 24 * 7


@dataclass(frozen=True, slots=True)
class MemberChange:
    """A member after a change, and whether their command menu must be refreshed."""

    member: MemberView
    role_changed: bool


class TeamService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def team(self, actor: Actor) -> Sequence[MemberView]:
        require(actor, Action.TEAM_VIEW)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.members.team(actor.organization.id)

    async def member(self, actor: Actor, membership_id: int) -> MemberView:
        require(actor, Action.TEAM_VIEW)
        async with self._uow() as uow:
            return await _member(uow, actor, membership_id)

    async def change_role(self, actor: Actor, membership_id: int, role: Role) -> MemberChange:
        require(actor, Action.TEAM_VIEW)
        require_writable(actor)
        async with self._uow() as uow:
            view = await _member(uow, actor, membership_id)
            current = view.membership.role
            if current is role:
                return MemberChange(view, role_changed=False)
            if not (may_manage(actor.role, current) and may_manage(actor.role, role)):
                raise DomainError("forbidden", action="change_role")
            if current is Role.OWNER:
                await _ensure_other_owner(uow, view)
            await uow.members.update(
                view.membership.organization_id, membership_id, MembershipChange(role=role)
            )
            subject, now = ("membership", membership_id), self._clock.now()
            changed = {"role": role.value, "previous": current.value}
            await record(uow, actor, AuditAction.ROLE_CHANGED, now, subject, **changed)
            await uow.commit()
            return MemberChange(await _member(uow, actor, membership_id), role_changed=True)

    async def set_active(self, actor: Actor, membership_id: int, active: bool) -> MemberChange:
        require(actor, Action.TEAM_VIEW)
        require_writable(actor)
        async with self._uow() as uow:
            view = await _member(uow, actor, membership_id)
            if view.membership.active == active:
                return MemberChange(view, role_changed=False)
            if not may_manage(actor.role, view.membership.role):
                raise DomainError("forbidden", action="deactivate")
            if not active and view.membership.role is Role.OWNER:
                await _ensure_other_owner(uow, view)
            stamp = None if active else self._clock.now()
            org_id = view.membership.organization_id
            access_change = MembershipChange(active=active, deactivated_at=stamp)
            await uow.members.update(org_id, membership_id, access_change)
            access = ("membership", membership_id)
            now = self._clock.now()
            await record(uow, actor, AuditAction.ACCESS_CHANGED, now, access, active=active)
            await uow.commit()
            return MemberChange(await _member(uow, actor, membership_id), role_changed=True)

    async def set_photos_required(self, actor: Actor, count: int) -> int:
        """Proof of work: how many photos an order needs before it can be marked done."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        if not 0 <= count <= MAX_PHOTOS_REQUIRED:
            raise DomainError("photos_rule_range", limit=MAX_PHOTOS_REQUIRED)
        async with self._uow() as uow:
            before = await uow.orgs.get(actor.organization.id)
            await uow.orgs.update(actor.organization.id, OrgChange(photos_required=count))
            now = self._clock.now()
            old = before.photos_required if before is not None else None
            changed = AuditAction.SETTING_CHANGED
            await record(uow, actor, changed, now, name="photos", old=old, new=count)
            await uow.commit()
        return count

    async def set_contact_grace(self, actor: Actor, hours: int) -> int:
        """How long an assignee keeps a client's contacts after the order is paid or
        cancelled (`core.permissions.contacts_cutoff`)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        if not 0 <= hours <= MAX_CONTACT_GRACE_HOURS:
            raise DomainError("contact_grace_range", limit=MAX_CONTACT_GRACE_HOURS)
        old = actor.organization.contact_grace_hours
        async with self._uow() as uow:
            await uow.orgs.update(actor.organization.id, OrgChange(contact_grace_hours=hours))
            now, changed = self._clock.now(), AuditAction.SETTING_CHANGED
            await record(uow, actor, changed, now, name="grace", old=old, new=hours)
            await uow.commit()
        return hours

    async def set_ai(self, actor: Actor, step: str, on: bool) -> bool:
        """/settings, the admin page: an AI step of the organization on or off."""
        async with self._uow() as uow:
            result = await set_ai(uow, actor, step, on, self._clock.now())
            await uow.commit()
        return result

    async def leads(self, org_id: int) -> list[User]:
        """Active owners and managers: whom system alerts go to."""
        async with self._uow() as uow:
            team = await uow.members.team(org_id)
        return [
            v.user
            for v in team
            if v.membership.active
            and v.membership.role in (Role.OWNER, Role.MANAGER)
            and not v.user.restricted  # restricted their own processing: not told
        ]

    async def organizations(self, actor: Actor) -> Sequence[OrgChoice]:
        async with self._uow() as uow:
            return await uow.members.choices_for_user(actor.user.id)

    async def switch(self, actor: Actor, org_id: int) -> OrgChoice:
        async with self._uow() as uow:
            for choice in await uow.members.choices_for_user(actor.user.id):
                if choice.organization.id == org_id:
                    if not choice.active:
                        raise DomainError("access_revoked")
                    await uow.users.update(actor.user.id, UserChange(active_org_id=org_id))
                    await uow.commit()
                    return choice
        raise DomainError("not_found")


async def _member(uow: UnitOfWork, actor: Actor, membership_id: int) -> MemberView:
    assert actor.organization is not None
    for view in await uow.members.team(actor.organization.id):
        if view.membership.id == membership_id:
            return view
    raise DomainError("not_found")


async def _ensure_other_owner(uow: UnitOfWork, view: MemberView) -> None:
    if await uow.members.count_active(view.membership.organization_id, Role.OWNER) <= 1:
        raise DomainError("last_owner")
