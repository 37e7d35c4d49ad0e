"""Organizations, memberships, invites and service categories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.bundles import Arriving
from core.changes import MembershipChange, OrgChange
from core.domain import (
    Category,
    Invite,
    Membership,
    MemberView,
    Organization,
    OrgChoice,
    OrgStatus,
    Role,
)
from storage.columns import columns
from storage.tables import (
    CategoryRow,
    InviteRow,
    MembershipRow,
    OrganizationRow,
    UserRow,
)
from storage.team.arrival import arrival
from storage.team.people import to_user


def to_org(row: OrganizationRow) -> Organization:
    assert row.id is not None
    return Organization(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        currency=row.currency,
        language=row.language,
        country=row.country,
        status=OrgStatus(row.status),
        photos_required=row.photos_required,
        contact_grace_hours=row.contact_grace_hours,
        ai_speech=row.ai_speech,
        ai_summaries=row.ai_summaries,
        ai_inbox=row.ai_inbox,
    )


def to_membership(row: MembershipRow) -> Membership:
    assert row.id is not None
    return Membership(
        id=row.id,
        organization_id=row.organization_id,
        user_id=row.user_id,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
    )


class SqlOrganizationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, org_id: int) -> Organization | None:
        row = await self._s.get(OrganizationRow, org_id)
        return to_org(row) if row else None

    async def add(
        self, name: str, timezone: str, currency: str, language: str, country: str, now: datetime
    ) -> Organization:
        row = OrganizationRow(
            name=name,
            timezone=timezone,
            currency=currency,
            language=language,
            country=country,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_org(row)

    async def update(self, org_id: int, change: OrgChange) -> Organization:
        values = columns(change)
        stmt = update(OrganizationRow).where(OrganizationRow.id == org_id).values(**values)
        await self._s.execute(stmt)
        row = await self._s.get(OrganizationRow, org_id, populate_existing=True)
        assert row is not None
        return to_org(row)


class SqlMembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, org_id: int, user_id: int) -> Membership | None:
        stmt = select(MembershipRow).where(
            MembershipRow.organization_id == org_id, MembershipRow.user_id == user_id
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_membership(row) if row else None

    async def arrival(self, update_id: int, telegram_id: int, now: datetime) -> Arriving:
        """Whether the ledger has the update, and the sender with their membership in their
        active organization, that organization and where they stand with the privacy
        policy at `now` (storage/team/arrival.py)."""
        return await arrival(self._s, update_id, telegram_id, now)

    async def by_id(self, org_id: int, membership_id: int) -> Membership | None:
        row = await self._s.get(MembershipRow, membership_id)
        if row is None or row.organization_id != org_id:
            return None
        return to_membership(row)

    async def add(self, org_id: int, user_id: int, role: Role, now: datetime) -> Membership:
        row = MembershipRow(
            organization_id=org_id, user_id=user_id, role=role.value, created_at=now
        )
        self._s.add(row)
        await self._s.flush()
        return to_membership(row)

    async def update(
        self, org_id: int, membership_id: int, change: MembershipChange
    ) -> Membership:
        stmt = (
            update(MembershipRow)
            .where(MembershipRow.organization_id == org_id, MembershipRow.id == membership_id)
            .values(**columns(change))
        )
        await self._s.execute(stmt)
        found = await self.by_id(org_id, membership_id)
        assert found is not None
        return found

    async def team(self, org_id: int) -> Sequence[MemberView]:
        stmt = (
            select(MembershipRow, UserRow)
            .join(UserRow, UserRow.id == MembershipRow.user_id)
            .where(MembershipRow.organization_id == org_id)
            .order_by(MembershipRow.active.desc(), MembershipRow.role, UserRow.first_name)
        )
        rows = (await self._s.execute(stmt.execution_options(populate_existing=True))).all()
        return [MemberView(to_membership(m), to_user(u)) for m, u in rows]

    async def choices_for_user(self, user_id: int) -> Sequence[OrgChoice]:
        stmt = (
            select(MembershipRow, OrganizationRow)
            .join(OrganizationRow, OrganizationRow.id == MembershipRow.organization_id)
            .where(MembershipRow.user_id == user_id, OrganizationRow.status != "deleted")
            .order_by(OrganizationRow.name, OrganizationRow.id)
        )
        rows = (await self._s.execute(stmt)).all()
        return [OrgChoice(to_org(o), Role(m.role), m.active) for m, o in rows]

    async def count_active(self, org_id: int, role: Role | None = None) -> int:
        stmt = select(func.count()).where(
            MembershipRow.organization_id == org_id,
            MembershipRow.active.is_(True),
        )
        if role is not None:
            stmt = stmt.where(MembershipRow.role == role.value)
        return int((await self._s.execute(stmt)).scalar_one())


def to_invite(row: InviteRow) -> Invite:
    assert row.id is not None
    return Invite(
        id=row.id,
        organization_id=row.organization_id,
        role=Role(row.role),
        created_by=row.created_by,
        expires_at=row.expires_at,
        max_uses=row.max_uses,
        uses=row.uses,
        revoked_at=row.revoked_at,
    )


class SqlInviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self,
        org_id: int,
        token_hash: str,
        role: Role,
        created_by: int,
        expires_at: datetime,
        max_uses: int,
        now: datetime,
    ) -> Invite:
        row = InviteRow(
            organization_id=org_id,
            token_hash=token_hash,
            role=role.value,
            created_by=created_by,
            expires_at=expires_at,
            max_uses=max_uses,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_invite(row)

    async def by_token_hash(self, token_hash: str) -> Invite | None:
        stmt = select(InviteRow).where(InviteRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return to_invite(row) if row else None

    async def use(self, invite_id: int, now: datetime) -> bool:
        """A conditional increment, so two people racing for the last use cannot both win."""
        stmt = (
            update(InviteRow)
            .where(
                InviteRow.id == invite_id,
                InviteRow.uses < InviteRow.max_uses,
                InviteRow.expires_at > now,
                InviteRow.revoked_at.is_(None),
            )
            .values(uses=InviteRow.uses + 1)
        )
        result = await self._s.execute(stmt)
        return bool(result.rowcount)

    async def revoke(self, org_id: int, invite_id: int, now: datetime) -> None:
        stmt = (
            update(InviteRow)
            .where(InviteRow.organization_id == org_id, InviteRow.id == invite_id)
            .values(revoked_at=now)
        )
        await self._s.execute(stmt)


class SqlCategoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_many(self, org_id: int, names: Sequence[str]) -> None:
        for position, name in enumerate(dict.fromkeys(names)):
            self._s.add(CategoryRow(organization_id=org_id, name=name, position=position))

    async def listing(self, org_id: int) -> list[Category]:
        stmt = (
            select(CategoryRow)
            .where(CategoryRow.organization_id == org_id, CategoryRow.active.is_(True))
            .order_by(CategoryRow.position, CategoryRow.id)
        )
        return [Category(r.id, r.name) for r in (await self._s.execute(stmt)).scalars()]

    async def names(self, org_id: int) -> list[str]:
        stmt = (
            select(CategoryRow.name)
            .where(CategoryRow.organization_id == org_id, CategoryRow.active.is_(True))
            .order_by(CategoryRow.position, CategoryRow.id)
        )
        return list((await self._s.execute(stmt)).scalars())
