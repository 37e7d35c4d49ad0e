"""Each role against each action, and the rules about whom one may invite or manage."""

import pytest

from core.domain import Role
from core.permissions import (
    PERMISSIONS,
    Action,
    allowed,
    may_invite,
    may_manage,
    roles_assignable_by,
)

MANAGER_ALLOWED = {
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
WORKER_ALLOWED = {Action.ORDER_WORK_OWN, Action.CLIENT_VIEW, Action.PLAN_RECEIVE}


@pytest.mark.parametrize("action", list(Action))
def test_every_role_against_every_action(action):
    assert allowed(Role.OWNER, action)
    assert allowed(Role.MANAGER, action) == (action in MANAGER_ALLOWED)
    assert allowed(Role.WORKER, action) == (action in WORKER_ALLOWED)
    assert not allowed(None, action)


def test_the_table_covers_every_role():
    assert set(PERMISSIONS) == set(Role)


@pytest.mark.parametrize(
    ("inviter", "invitee", "expected"),
    [
        (Role.OWNER, Role.MANAGER, True),
        (Role.OWNER, Role.WORKER, True),
        (Role.MANAGER, Role.MANAGER, False),
        (Role.MANAGER, Role.WORKER, True),
        (Role.WORKER, Role.WORKER, False),
        (Role.OWNER, Role.OWNER, False),
        (None, Role.WORKER, False),
    ],
)
def test_only_owners_invite_managers(inviter, invitee, expected):
    assert may_invite(inviter, invitee) is expected


def test_managers_manage_workers_only():
    assert may_manage(Role.MANAGER, Role.WORKER)
    assert not may_manage(Role.MANAGER, Role.MANAGER)
    assert not may_manage(Role.MANAGER, Role.OWNER)
    assert may_manage(Role.OWNER, Role.OWNER)
    assert not may_manage(Role.WORKER, Role.WORKER)


def test_assignable_roles():
    assert roles_assignable_by(Role.OWNER) == (Role.OWNER, Role.MANAGER, Role.WORKER)
    assert roles_assignable_by(Role.MANAGER) == (Role.WORKER,)
    assert roles_assignable_by(Role.WORKER) == ()
