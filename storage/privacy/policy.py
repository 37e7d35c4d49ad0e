"""The privacy policy's publications and notices (core/privacy/policy.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import OrgStatus
from core.privacy.policy import Publication
from core.privacy.ports import ClientAudience
from storage.runtime.repository import _insert
from storage.tables import ClientLinkRow, OrganizationRow, UserRow
from storage.tables_policy import PolicyNoticeRow, PolicyPublicationRow

_pub = PolicyPublicationRow.__table__
_notice = PolicyNoticeRow.__table__


class SqlPolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def publications(self) -> list[Publication]:
        stmt = select(_pub.c.version, _pub.c.effective_at, _pub.c.material, _pub.c.published_at)
        rows = (await self._s.execute(stmt.order_by(_pub.c.effective_at))).all()
        return [Publication(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    async def publish(self, publication: Publication) -> bool:
        """Record a publication; False when the version was published before (kept as was)."""
        values = {
            "version": publication.version,
            "effective_at": publication.effective_at,
            "material": publication.material,
            "published_at": publication.published_at,
        }
        stmt = _insert(self._s, PolicyPublicationRow).values(**values)
        stmt = stmt.on_conflict_do_nothing(index_elements=["version"])
        result = await self._s.execute(stmt.returning(_pub.c.version))
        return result.scalar_one_or_none() is not None

    async def clients(self) -> list[ClientAudience]:
        """Clients linked in Telegram who agreed to its messages, in active organizations."""
        link, user, org = ClientLinkRow, UserRow, OrganizationRow
        stmt = (
            select(user.id, user.telegram_id, user.language, user.telegram_language, org.timezone)
            .join(link, link.user_id == user.id)
            .join(org, org.id == link.organization_id)
            .where(
                link.transactional_at.is_not(None),
                org.status == OrgStatus.ACTIVE.value,
                user.unreachable_at.is_(None),
                user.deleted_at.is_(None),
            )
            .order_by(user.id, org.id)
        )
        return [ClientAudience(*row) for row in (await self._s.execute(stmt)).all()]

    async def add_notices(
        self, version: str, user_ids: Collection[int], now: datetime
    ) -> set[int]:
        """Note that these people are told about `version`; returns those not noted before
        (a person already noted, by this or another process, is left out)."""
        added: set[int] = set()
        for user_id in sorted(set(user_ids)):
            values = {"user_id": user_id, "version": version, "created_at": now}
            stmt = _insert(self._s, PolicyNoticeRow).values(**values)
            stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "version"])
            result = await self._s.execute(stmt.returning(_notice.c.user_id))
            if result.scalar_one_or_none() is not None:
                added.add(user_id)
        return added

    async def notices(self, version: str) -> int:
        stmt = select(_notice.c.user_id).where(_notice.c.version == version)
        return len((await self._s.execute(stmt)).all())
