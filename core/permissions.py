"""One table of what each role may do, and the checks every service calls."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from core.domain import Actor, Organization, OrgStatus, Role
from core.errors import DomainError


class Action(enum.StrEnum):
    ORG_SETTINGS = "org.settings"
    ORG_BILLING = "org.billing"
    ORG_DELETE = "org.delete"
    ORG_EXPORT = "org.export"
    AUDIT_VIEW = "audit.view"
    TEAM_VIEW = "team.view"
    TEAM_INVITE_WORKER = "team.invite_worker"
    TEAM_INVITE_MANAGER = "team.invite_manager"
    TEAM_MANAGE_WORKERS = "team.manage_workers"
    TEAM_MANAGE_MANAGERS = "team.manage_managers"
    ORDER_CREATE = "order.create"
    ORDER_VIEW_ALL = "order.view_all"
    ORDER_ASSIGN = "order.assign"
    ORDER_CANCEL = "order.cancel"
    ORDER_WORK_OWN = "order.work_own"
    CLIENT_VIEW = "client.view"
    CLIENT_EDIT = "client.edit"
    CLIENT_MERGE = "client.merge"
    CLIENT_CONTACTS_ANY = "client.contacts_any"
    DIGEST_RECEIVE = "digest.receive"
    DIGEST_VIEW = "digest.view"
    PLAN_RECEIVE = "plan.receive"
    CLIENT_ERASE = "client.erase"
    CATALOGUE_MANAGE = "catalogue.manage"  # services and materials, their prices
    BOARD_VIEW = "board.view"  # the web board (bot/admin/board): managers and owners


_MANAGER: frozenset[Action] = frozenset(
    {
        Action.TEAM_VIEW,
        Action.TEAM_INVITE_WORKER,
        Action.TEAM_MANAGE_WORKERS,
        Action.ORDER_CREATE,
        Action.ORDER_VIEW_ALL,
        Action.ORDER_ASSIGN,
        Action.ORDER_CANCEL,
        Action.ORDER_WORK_OWN,
        Action.CLIENT_VIEW,
        Action.CLIENT_EDIT,
        Action.CLIENT_MERGE,
        Action.CLIENT_CONTACTS_ANY,
        Action.DIGEST_VIEW,
        Action.CATALOGUE_MANAGE,
        Action.BOARD_VIEW,
    }
)
_WORKER: frozenset[Action] = frozenset(
    {Action.ORDER_WORK_OWN, Action.CLIENT_VIEW, Action.PLAN_RECEIVE}
)

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.MANAGER: _MANAGER,
    Role.WORKER: _WORKER,
}


# A deactivated organization is read-only: these still work, everything else is refused (no
# changes, no digests, no billing). An organization pending deletion allows even less: its
# owner may export it, restore it or read the audit log.
READ_ONLY: frozenset[Action] = frozenset(
    {
        Action.TEAM_VIEW,
        Action.ORDER_VIEW_ALL,
        Action.ORDER_WORK_OWN,
        Action.CLIENT_VIEW,
        Action.CLIENT_CONTACTS_ANY,
        Action.DIGEST_VIEW,
        Action.BOARD_VIEW,
        Action.AUDIT_VIEW,
        Action.ORG_EXPORT,
        Action.ORG_DELETE,
    }
)
PENDING_DELETION: frozenset[Action] = frozenset(
    {Action.ORG_EXPORT, Action.ORG_DELETE, Action.AUDIT_VIEW}
)


def allowed(role: Role | None, action: Action) -> bool:
    return role is not None and action in PERMISSIONS[role]


def require(actor: Actor, action: Action) -> None:
    """Raise a domain error unless the actor, in their active organization, may do `action`."""
    if actor.organization is None or actor.membership is None:
        raise DomainError("no_organization")
    if not actor.membership.active:
        raise DomainError("access_revoked")
    if not allowed(actor.role, action):
        raise DomainError("forbidden", action=action.value)
    _require_status(actor.organization, action)


def _require_status(org: Organization, action: Action) -> None:
    if org.status is OrgStatus.DEACTIVATED and action not in READ_ONLY:
        raise DomainError("org_read_only")
    if org.status is OrgStatus.DELETED and action not in PENDING_DELETION:
        raise DomainError("org_pending_deletion")


def require_writable(actor: Actor) -> None:
    """For changes guarded by a viewing right (order buttons, files, team changes): refused
    while the organization is deactivated or pending deletion."""
    if actor.organization is not None:
        _require_status(actor.organization, Action.ORDER_CREATE)


def org_active(org: Organization | None) -> bool:
    """Whether the organization works normally: sends notifications, digests, bills."""
    return org is not None and org.status is OrgStatus.ACTIVE


def may_invite(role: Role | None, invitee_role: Role) -> bool:
    if invitee_role is Role.OWNER:
        return False
    needed = (
        Action.TEAM_INVITE_MANAGER if invitee_role is Role.MANAGER else Action.TEAM_INVITE_WORKER
    )
    return allowed(role, needed)


def may_manage(role: Role | None, target: Role) -> bool:
    """Whether someone with `role` may change or deactivate a member who has `target`."""
    if target is Role.WORKER:
        return allowed(role, Action.TEAM_MANAGE_WORKERS)
    return allowed(role, Action.TEAM_MANAGE_MANAGERS)


def roles_assignable_by(role: Role | None) -> tuple[Role, ...]:
    """Roles a member with `role` may give to someone else."""
    return tuple(
        r for r in Role if may_manage(role, r) and (r is not Role.OWNER or role is Role.OWNER)
    )


def contacts_cutoff(org: Organization, now: datetime) -> datetime:
    """Least privilege for an assignee without CLIENT_CONTACTS_ANY: they see a client's phone
    and address while holding an order for them that is open, or done and not paid in full,
    and for the organization's grace period after it is settled (paid or cancelled). Orders
    settled before the moment returned no longer give access."""
    return now - timedelta(hours=max(org.contact_grace_hours, 0))
