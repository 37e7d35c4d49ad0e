"""Retention cut-offs as pure functions of `now`, and what a deactivated or deleted
organization still allows."""

from datetime import UTC, datetime, timedelta

import pytest

from core.domain import Actor, Membership, Organization, OrgStatus, Role, User
from core.errors import DomainError
from core.permissions import Action, org_active, require, require_writable
from core.privacy.retention import (
    check_business_days,
    cutoffs,
    export_expired,
    export_key,
    next_daily_run,
    org_export,
    purge_at,
    restorable,
    years_before,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_policy_limits():
    limits = cutoffs(NOW)
    assert limits.technical == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert limits.communication == datetime(2023, 3, 2, 9, 0, tzinfo=UTC)
    assert limits.financial == datetime(2019, 3, 2, 9, 0, tzinfo=UTC)
    assert limits.deleted == NOW - timedelta(days=90)
    assert limits.org_grace == NOW - timedelta(days=30)


def test_a_leap_day_becomes_the_28th():
    assert years_before(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize(("day", "expected"), [(0, True), (29, True), (30, False), (31, False)])
def test_a_deleted_organization_is_restorable_for_30_days(day, expected):
    assert restorable(NOW, NOW + timedelta(days=day)) is expected
    assert purge_at(NOW) == NOW + timedelta(days=30)


def test_the_daily_run_is_the_next_3_am_utc():
    assert next_daily_run(NOW) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    early = NOW.replace(hour=1)
    assert next_daily_run(early) == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_business_limits_are_a_fixed_choice():
    assert check_business_days(None) is None
    assert check_business_days(365) == 365
    with pytest.raises(DomainError):
        check_business_days(3650)


def test_export_keys_expire_by_day_and_belong_to_their_owner():
    key = export_key(12, 5, NOW, "tok")
    assert key == "exports/20260302/org12-tok.zip"
    assert org_export(key, 12) and not org_export(key, 1)
    assert not export_expired(key, NOW) and export_expired(key, NOW + timedelta(days=1))
    assert export_key(None, 5, NOW, "t").endswith("/user5-t.zip")


def _actor(status: OrgStatus, role: Role = Role.OWNER) -> Actor:
    user = User(1, 10, "Olga", None, None, "ru", None, 1, NOW, NOW, "v")
    org = Organization(1, "Org", "Europe/Moscow", "RUB", "ru", "RU", status)
    return Actor(user, org, Membership(1, 1, 1, role, True, NOW))


@pytest.mark.parametrize("action", list(Action))
def test_a_deactivated_organization_is_read_only(action):
    actor = _actor(OrgStatus.DEACTIVATED)
    readable = {
        Action.TEAM_VIEW, Action.ORDER_VIEW_ALL, Action.ORDER_WORK_OWN, Action.CLIENT_VIEW,
        Action.CLIENT_CONTACTS_ANY, Action.DIGEST_VIEW, Action.AUDIT_VIEW, Action.ORG_EXPORT,
        Action.ORG_DELETE, Action.BOARD_VIEW,
    }  # fmt: skip
    if action in readable:
        require(actor, action)
    else:
        with pytest.raises(DomainError) as refused:
            require(actor, action)
        assert refused.value.code == "org_read_only"


def test_a_deleted_organization_allows_export_restore_and_audit_only():
    actor = _actor(OrgStatus.DELETED)
    for action in (Action.ORG_EXPORT, Action.ORG_DELETE, Action.AUDIT_VIEW):
        require(actor, action)
    with pytest.raises(DomainError) as refused:
        require(actor, Action.CLIENT_VIEW)
    assert refused.value.code == "org_pending_deletion"


def test_writes_behind_a_viewing_right_are_refused_too():
    require_writable(_actor(OrgStatus.ACTIVE))
    with pytest.raises(DomainError):
        require_writable(_actor(OrgStatus.DEACTIVATED))
    assert org_active(_actor(OrgStatus.ACTIVE).organization)
    assert not org_active(_actor(OrgStatus.DEACTIVATED).organization)
