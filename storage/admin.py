"""The admin endpoint's storage: sign-in links, sessions and API tokens. An organization's
encrypted credentials, preferences and category list are storage/org_settings.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.admin.factors import REQUIRED_SETTING
from core.admin.model import AdminSession, ApiToken, Origin, SignInLink
from storage.tables import (
    AdminSessionRow,
    ApiTokenRow,
    OrganizationRow,
    OrgSettingRow,
    SignInLinkRow,
)
from storage.tables_factors import SecondFactorRow


def _session(row: AdminSessionRow, has_factor: bool = False, required: Any = None) -> AdminSession:
    assert row.id is not None
    return AdminSession(
        row.id,
        row.organization_id,
        row.user_id,
        row.expires_at,
        row.revoked_at,
        row.created_at,
        row.last_seen_at,
        row.user_agent or "",
        row.ip or "",
        row.second_factor_at,
        bool(has_factor),
        required is True,
    )


# Whether the session's person has a confirmed second factor, and whether the session's
# organization requires one of its owners: read with the session, in its one statement.
HAS_FACTOR = (
    exists()
    .where(
        SecondFactorRow.user_id == AdminSessionRow.user_id,
        SecondFactorRow.confirmed_at.is_not(None),
    )
    .label("has_factor")
)
REQUIRED = (
    select(OrgSettingRow.value)
    .where(
        OrgSettingRow.organization_id == AdminSessionRow.organization_id,
        OrgSettingRow.name == REQUIRED_SETTING,
    )
    .scalar_subquery()
    .label("required")
)


def _token(row: ApiTokenRow) -> ApiToken:
    assert row.id is not None
    return ApiToken(
        row.id,
        row.organization_id,
        row.user_id,
        row.name,
        row.prefix,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


class SqlAdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_link(
        self, org_id: int, user_id: int, token_hash: str, expires_at: datetime, now: datetime
    ) -> None:
        row = SignInLinkRow(
            organization_id=org_id,
            user_id=user_id,
            token_hash=token_hash,
            expires_at=expires_at,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()

    async def use_link(self, token_hash: str, now: datetime) -> SignInLink | None:
        """A conditional update: of two browsers opening the same link, one wins."""
        stmt = (
            update(SignInLinkRow)
            .where(
                SignInLinkRow.token_hash == token_hash,
                SignInLinkRow.used_at.is_(None),
                SignInLinkRow.expires_at > now,
            )
            .values(used_at=now)
        )
        if not (await self._s.execute(stmt)).rowcount:
            return None
        found = await self.link(token_hash)
        assert found is not None
        return found

    async def link(self, token_hash: str) -> SignInLink | None:
        stmt = select(SignInLinkRow).where(SignInLinkRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        assert row.id is not None
        return SignInLink(row.id, row.organization_id, row.user_id, row.expires_at, row.used_at)

    async def add_session(
        self,
        org_id: int,
        user_id: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
        origin: Origin | None = None,
        device_hash: str | None = None,
    ) -> AdminSession:
        row = AdminSessionRow(
            organization_id=org_id,
            user_id=user_id,
            token_hash=token_hash,
            expires_at=expires_at,
            created_at=now,
            last_seen_at=now,
            user_agent=origin.user_agent if origin else None,
            ip=origin.ip if origin else None,
            device_hash=device_hash,
        )
        self._s.add(row)
        await self._s.flush()
        return _session(row)

    async def sign_in_history(self, user_id: int, device_hash: str) -> tuple[int, int]:
        """The person's sessions ever opened, and how many of them from this device."""
        stmt = select(
            func.count(),
            func.coalesce(
                func.sum(case((AdminSessionRow.device_hash == device_hash, 1), else_=0)), 0
            ),
        ).where(AdminSessionRow.user_id == user_id)
        total, from_device = (await self._s.execute(stmt)).one()
        return int(total), int(from_device)

    async def touch_session(
        self, session_id: int, now: datetime, ip: str, before: datetime
    ) -> None:
        """Last seen now (and from `ip`), unless another request did so since `before`."""
        stmt = (
            update(AdminSessionRow)
            .where(
                AdminSessionRow.id == session_id,
                (AdminSessionRow.last_seen_at.is_(None))
                | (AdminSessionRow.last_seen_at <= before),
            )
            .values(last_seen_at=now, ip=ip)
        )
        await self._s.execute(stmt)

    async def open_sessions(self, user_id: int, now: datetime) -> list[tuple[AdminSession, str]]:
        """The person's sessions not revoked nor expired, in every organization, newest seen
        first, with the organization's name."""
        stmt = (
            select(AdminSessionRow, OrganizationRow.name)
            .join(OrganizationRow, OrganizationRow.id == AdminSessionRow.organization_id)
            .where(
                AdminSessionRow.user_id == user_id,
                AdminSessionRow.revoked_at.is_(None),
                AdminSessionRow.expires_at > now,
            )
            .order_by(AdminSessionRow.created_at.desc(), AdminSessionRow.id.desc())
        )
        return [(_session(row), name) for row, name in (await self._s.execute(stmt)).all()]

    async def revoke_device_sessions(self, device_hash: str, now: datetime) -> None:
        stmt = (
            update(AdminSessionRow)
            .where(
                AdminSessionRow.device_hash == device_hash, AdminSessionRow.revoked_at.is_(None)
            )
            .values(revoked_at=now)
        )
        await self._s.execute(stmt)

    async def revoke_user_sessions(
        self, user_id: int, now: datetime, session_id: int | None = None
    ) -> int:
        """End the person's open sessions (only `session_id` when given); how many ended."""
        stmt = update(AdminSessionRow).where(
            AdminSessionRow.user_id == user_id,
            AdminSessionRow.revoked_at.is_(None),
            AdminSessionRow.expires_at > now,
        )
        if session_id is not None:
            stmt = stmt.where(AdminSessionRow.id == session_id)
        return int((await self._s.execute(stmt.values(revoked_at=now))).rowcount or 0)

    async def session(self, token_hash: str) -> AdminSession | None:
        stmt = select(AdminSessionRow, HAS_FACTOR, REQUIRED).where(
            AdminSessionRow.token_hash == token_hash
        )
        found = (await self._s.execute(stmt)).one_or_none()
        return _session(*found) if found else None

    async def revoke_session(self, token_hash: str, now: datetime) -> None:
        stmt = (
            update(AdminSessionRow)
            .where(AdminSessionRow.token_hash == token_hash, AdminSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await self._s.execute(stmt)

    async def add_token(
        self, org_id: int, user_id: int, name: str, token_hash: str, prefix: str, now: datetime
    ) -> ApiToken:
        row = ApiTokenRow(
            organization_id=org_id,
            user_id=user_id,
            name=name,
            prefix=prefix,
            token_hash=token_hash,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return _token(row)

    async def token(self, token_hash: str) -> ApiToken | None:
        stmt = select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _token(row) if row else None

    async def tokens(self, org_id: int) -> list[ApiToken]:
        stmt = (
            select(ApiTokenRow)
            .where(ApiTokenRow.organization_id == org_id, ApiTokenRow.revoked_at.is_(None))
            .order_by(ApiTokenRow.id)
        )
        return [_token(row) for row in (await self._s.execute(stmt)).scalars()]

    async def touch_token(self, token_id: int, now: datetime) -> None:
        stmt = update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now)
        await self._s.execute(stmt)

    async def revoke_token(self, org_id: int, token_id: int, now: datetime) -> bool:
        stmt = (
            update(ApiTokenRow)
            .where(
                ApiTokenRow.organization_id == org_id,
                ApiTokenRow.id == token_id,
                ApiTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)
