"""Users and their consent records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.changes import UserChange
from core.domain import ConsentKind, TelegramProfile, User
from storage.columns import columns
from storage.tables import ConsentRow, UserRow


def to_user(row: UserRow) -> User:
    assert row.id is not None
    return User(
        id=row.id,
        telegram_id=row.telegram_id,
        first_name=row.first_name,
        last_name=row.last_name,
        username=row.username,
        language=row.language,
        telegram_language=row.telegram_language,
        active_org_id=row.active_org_id,
        age_confirmed_at=row.age_confirmed_at,
        consent_at=row.consent_at,
        consent_version=row.consent_version,
        unreachable_at=row.unreachable_at,
        phone=row.phone,
        name_set_at=row.name_set_at,
        restricted_at=row.restricted_at,
    )


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, user_id: int) -> User | None:
        row = await self._s.get(UserRow, user_id)
        return to_user(row) if row else None

    async def many(self, user_ids: Sequence[int]) -> list[User]:
        if not user_ids:
            return []
        stmt = select(UserRow).where(UserRow.id.in_(sorted(set(user_ids))))
        return [to_user(row) for row in (await self._s.execute(stmt)).scalars()]

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        result = await self._s.execute(select(UserRow).where(UserRow.telegram_id == telegram_id))
        row = result.scalar_one_or_none()
        return to_user(row) if row else None

    async def add(self, profile: TelegramProfile, now: datetime) -> User:
        row = UserRow(
            telegram_id=profile.telegram_id,
            first_name=profile.first_name[:128],
            last_name=(profile.last_name or None) and profile.last_name[:128],
            username=profile.username,
            telegram_language=profile.language_code,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return to_user(row)

    async def update(self, user_id: int, change: UserChange) -> User:
        stmt = update(UserRow).where(UserRow.id == user_id).values(**columns(change))
        await self._s.execute(stmt)
        row = await self._s.get(UserRow, user_id, populate_existing=True)
        assert row is not None
        return to_user(row)


class SqlConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self, user_id: int, kind: ConsentKind, version: str, accepted: bool, now: datetime
    ) -> None:
        self._s.add(
            ConsentRow(
                user_id=user_id,
                kind=kind.value,
                policy_version=version,
                accepted=accepted,
                created_at=now,
            )
        )
