"""The REST API's keys and idempotent answers (docs/rest-api.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.apikeys.model import ANSWERS_KEPT, ApiKey, Scope, StoredAnswer
from storage.runtime.repository import _insert
from storage.tables_apikeys import ApiAnswerRow, ApiKeyRow


def _key(row: ApiKeyRow) -> ApiKey:
    assert row.id is not None
    scopes = tuple(Scope(name) for name in row.scopes.split() if name in set(Scope))
    return ApiKey(
        row.id,
        row.organization_id,
        row.created_by,
        row.name,
        row.prefix,
        scopes,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


class SqlApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self,
        org_id: int,
        user_id: int,
        name: str,
        scopes: Sequence[Scope],
        key_hash: str,
        prefix: str,
        now: datetime,
    ) -> ApiKey:
        row = ApiKeyRow(
            organization_id=org_id,
            created_by=user_id,
            name=name,
            prefix=prefix,
            scopes=" ".join(scopes),
            key_hash=key_hash,
            created_at=now,
        )
        self._s.add(row)
        await self._s.flush()
        return _key(row)

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        stmt = select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _key(row) if row else None

    async def listing(self, org_id: int) -> list[ApiKey]:
        stmt = (
            select(ApiKeyRow)
            .where(ApiKeyRow.organization_id == org_id, ApiKeyRow.revoked_at.is_(None))
            .order_by(ApiKeyRow.id)
        )
        return [_key(row) for row in (await self._s.execute(stmt)).scalars()]

    async def touch(self, key_id: int, now: datetime) -> None:
        stmt = update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=now)
        await self._s.execute(stmt)

    async def revoke(self, org_id: int, key_id: int, now: datetime) -> ApiKey | None:
        stmt = (
            update(ApiKeyRow)
            .where(
                ApiKeyRow.organization_id == org_id,
                ApiKeyRow.id == key_id,
                ApiKeyRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        if not (await self._s.execute(stmt)).rowcount:
            return None
        found = select(ApiKeyRow).where(ApiKeyRow.id == key_id)
        row = (await self._s.execute(found)).scalar_one()
        await self._s.refresh(row)
        return _key(row)

    async def answer(
        self, key_id: int, idempotency_key: str, since: datetime
    ) -> StoredAnswer | None:
        stmt = select(ApiAnswerRow).where(
            ApiAnswerRow.api_key_id == key_id,
            ApiAnswerRow.idempotency_key == idempotency_key,
            ApiAnswerRow.created_at >= since,
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return StoredAnswer(row.request_hash, row.status, row.body) if row else None

    async def keep_answer(
        self, key_id: int, idempotency_key: str, answer: StoredAnswer, now: datetime
    ) -> bool:
        values = dict(
            api_key_id=key_id,
            idempotency_key=idempotency_key,
            request_hash=answer.request_hash,
            status=answer.status,
            body=answer.body,
            created_at=now,
        )
        old = delete(ApiAnswerRow).where(
            ApiAnswerRow.api_key_id == key_id, ApiAnswerRow.created_at < now - ANSWERS_KEPT
        )
        await self._s.execute(old)  # a key's answers are kept a day, then dropped
        stmt = _insert(self._s, ApiAnswerRow).values(**values).on_conflict_do_nothing()
        return bool((await self._s.execute(stmt)).rowcount)
