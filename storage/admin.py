"""The admin endpoint's storage: sign-in links, sessions, API tokens, encrypted credentials,
organization preferences and the category list as the settings page edits it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.admin.model import AdminSession, ApiToken, SignInLink
from storage.runtime.repository import _insert
from storage.tables import (
    AdminSessionRow,
    ApiTokenRow,
    CategoryRow,
    OrgSecretRow,
    OrgSettingRow,
    SignInLinkRow,
)


def _session(row: AdminSessionRow) -> AdminSession:
    assert row.id is not None
    return AdminSession(row.id, row.organization_id, row.user_id, row.expires_at, row.revoked_at)


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
        found = select(SignInLinkRow).where(SignInLinkRow.token_hash == token_hash)
        row = (await self._s.execute(found)).scalar_one()
        return SignInLink(row.id, row.organization_id, row.user_id, row.expires_at)

    async def add_session(
        self, org_id: int, user_id: int, token_hash: str, expires_at: datetime, now: datetime
    ) -> AdminSession:
        row = AdminSessionRow(
            organization_id=org_id,
            user_id=user_id,
            token_hash=token_hash,
            expires_at=expires_at,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return _session(row)

    async def session(self, token_hash: str) -> AdminSession | None:
        stmt = select(AdminSessionRow).where(AdminSessionRow.token_hash == token_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _session(row) if row else None

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


class SqlOrgSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def secrets(self, org_id: int) -> dict[str, bytes]:
        stmt = select(OrgSecretRow).where(OrgSecretRow.organization_id == org_id)
        rows = (await self._s.execute(stmt)).scalars()
        return {row.name: row.ciphertext.encode() for row in rows}

    async def set_secret(self, org_id: int, name: str, ciphertext: bytes, now: datetime) -> None:
        values = dict(
            organization_id=org_id, name=name, ciphertext=ciphertext.decode(), updated_at=now
        )
        stmt = _insert(self._s, OrgSecretRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["organization_id", "name"],
            set_={"ciphertext": values["ciphertext"], "updated_at": now},
        )
        await self._s.execute(stmt)

    async def delete_secret(self, org_id: int, name: str) -> None:
        await self._s.execute(
            delete(OrgSecretRow).where(
                OrgSecretRow.organization_id == org_id, OrgSecretRow.name == name
            )
        )

    async def preferences(self, org_id: int) -> dict[str, Any]:
        stmt = select(OrgSettingRow).where(OrgSettingRow.organization_id == org_id)
        return {row.name: row.value for row in (await self._s.execute(stmt)).scalars()}

    async def set_preferences(self, org_id: int, values: Mapping[str, Any], now: datetime) -> None:
        for name, value in values.items():
            stmt = _insert(self._s, OrgSettingRow).values(
                organization_id=org_id, name=name, value=value, updated_at=now
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["organization_id", "name"],
                set_={"value": stmt.excluded.value, "updated_at": now},
            )
            await self._s.execute(stmt)

    async def set_categories(self, org_id: int, names: Sequence[str]) -> None:
        stmt = select(CategoryRow).where(CategoryRow.organization_id == org_id)
        existing = {row.name: row for row in (await self._s.execute(stmt)).scalars()}
        wanted = list(dict.fromkeys(names))
        for row in existing.values():
            row.active = row.name in wanted
        for position, name in enumerate(wanted):
            found = existing.get(name)
            if found is None:
                self._s.add(CategoryRow(organization_id=org_id, name=name, position=position))
            else:
                found.position = position
        await self._s.flush()
