"""The statement every update starts with: whether the ledger has the update, and the sender
with their membership in their active organization and that organization, in one row even for
a stranger (outer joins from a one-row anchor), and where the sender stands with the privacy
policy: the version in force, the latest material version in force and the sender's answer
since it took effect (three correlated scalar subqueries on small tables: the publications are
a handful of rows, the consents are read by the sender's id), so the gate's policy check
(handlers/gate.py) costs no statement of its own.

It is built once, with bound parameters, and selects plain table columns (no ORM entities): the
rows become domain objects directly. Loading three ORM entities cost about as much CPU as the
rest of a /help update's SQL (docs/cpu-per-update.md). Nothing is cached between updates: the
statement reads everything afresh each time.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.bundles import Arriving
from core.domain import (
    ConsentKind,
    Membership,
    Organization,
    OrgStatus,
    PolicyStanding,
    Role,
    User,
)
from storage.db import BEFORE_BEGIN
from storage.tables import (
    ConsentRow,
    MembershipRow,
    OrganizationRow,
    ProcessedUpdateRow,
    UserRow,
)
from storage.tables_policy import PolicyPublicationRow
from storage.tables_webhooks import WebhookSubscriptionRow
from storage.webhooks.record import no_subscriptions

_user = UserRow.__table__
_member = MembershipRow.__table__
_org = OrganizationRow.__table__
_ledger = ProcessedUpdateRow.__table__
_hooks = WebhookSubscriptionRow.__table__
_pub = PolicyPublicationRow.__table__
_consent = ConsentRow.__table__

# Each domain object's fields in the order of its constructor, read from the same columns.
USER_FIELDS = tuple(f.name for f in fields(User))
MEMBER_FIELDS = tuple(f.name for f in fields(Membership))
_ORG = tuple(f.name for f in fields(Organization))
_U0 = 1
_M0 = _U0 + len(USER_FIELDS)
_O0 = _M0 + len(MEMBER_FIELDS)
_END = _O0 + len(_ORG)

_anchor = select(literal(1).label("one")).subquery("anchor")
_come = _pub.c.effective_at <= bindparam("now")
_latest = (_pub.c.effective_at.desc(), _pub.c.version.desc())
_IN_FORCE = select(_pub.c.version).where(_come).order_by(*_latest).limit(1)
_material = select(_pub.c.version).where(_come, _pub.c.material.is_(True))
_REQUIRED = _material.order_by(*_latest).limit(1)
_since = (
    select(_pub.c.effective_at)
    .where(_come, _pub.c.material.is_(True))
    .order_by(*_latest)
    .limit(1)
    .scalar_subquery()
)
_ANSWER = (
    select(_consent.c.accepted)
    .where(
        _consent.c.user_id == _user.c.id,
        _consent.c.kind == ConsentKind.PRIVACY_POLICY.value,
        _consent.c.created_at >= _since,
    )
    .order_by(_consent.c.id.desc())
    .limit(1)
)
ARRIVAL = (
    select(
        exists().where(_ledger.c.update_id == bindparam("update_id")).label("seen"),
        *(_user.c[name] for name in USER_FIELDS),
        *(_member.c[name] for name in MEMBER_FIELDS),
        *(_org.c[name] for name in _ORG),
        exists()
        .where(_hooks.c.organization_id == _org.c.id, _hooks.c.active.is_(True))
        .label("hooks"),
        _IN_FORCE.scalar_subquery().label("policy_in_force"),
        _REQUIRED.scalar_subquery().label("policy_required"),
        _ANSWER.scalar_subquery().label("policy_answer"),
    )
    .select_from(_anchor)
    .outerjoin(_user, _user.c.telegram_id == bindparam("telegram_id"))
    .outerjoin(
        _member,
        and_(
            _member.c.organization_id == _user.c.active_org_id,
            _member.c.user_id == _user.c.id,
        ),
    )
    .outerjoin(_org, _org.c.id == _member.c.organization_id)
    # Before the update's transaction begins (storage/db.py): a read-only update (/help) takes
    # no write lock on SQLite and costs no BEGIN and ROLLBACK on PostgreSQL.
    .execution_options(**{BEFORE_BEGIN: True})
)


async def arrival(
    session: AsyncSession, update_id: int, telegram_id: int, now: datetime
) -> Arriving:
    values = {"update_id": update_id, "telegram_id": telegram_id, "now": now}
    result = await session.execute(ARRIVAL, values)
    row = tuple(result.one())
    found = arriving(row)
    if found.organization is not None and not row[_END]:
        # The update's changes need not look for webhook subscriptions again: none (its
        # transaction's look, storage/webhooks/record.py).
        no_subscriptions(session, found.organization.id)
    return found


def arriving(row: tuple[Any, ...]) -> Arriving:
    user = User(*row[_U0:_M0]) if row[_U0] is not None else None
    membership = None
    if row[_M0] is not None:
        m = dict(zip(MEMBER_FIELDS, row[_M0:_O0], strict=True))
        m["role"], m["active"] = Role(m["role"]), bool(m["active"])
        membership = Membership(**m)
    org = None
    if row[_O0] is not None:
        o = dict(zip(_ORG, row[_O0:_END], strict=True))
        o["status"] = OrgStatus(o["status"])
        org = Organization(**o)
    answer = row[_END + 3]
    policy = PolicyStanding(row[_END + 1], row[_END + 2], None if answer is None else bool(answer))
    return Arriving(bool(row[0]), user, membership, org, policy)
