"""Client ratings: one row per order, asked once, answered once (conditional UPDATEs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.client_loop.model import Channel
from core.client_loop.ratings import Rating
from storage.tables import ClientRatingRow, OrderRow

_COLUMNS = ClientRatingRow.__table__.c


def to_rating(row: ClientRatingRow) -> Rating:
    assert row.id is not None
    return Rating(
        id=row.id,
        organization_id=row.organization_id,
        order_id=row.order_id,
        client_id=row.client_id,
        channel=Channel(row.channel),
        message_id=row.message_id,
        stars=row.stars,
        comment=row.comment,
        awaiting_comment=row.awaiting_comment,
        asked_at=row.asked_at,
        rated_at=row.rated_at,
    )


class RatingQueries:
    _s: AsyncSession

    async def add_rating(
        self, org_id: int, order_id: int, client_id: int, channel: Channel, now: datetime
    ) -> Rating | None:
        values = {
            "organization_id": org_id,
            "order_id": order_id,
            "client_id": client_id,
            "channel": channel.value,
            "awaiting_comment": False,
            "asked_at": now,
        }
        table = ClientRatingRow.__table__
        insert = pg_insert if self._s.bind.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["organization_id", "order_id"])
            .returning(_COLUMNS.id)
        )
        added = (await self._s.execute(statement)).scalar_one_or_none()
        if added is None:
            return None
        return await self.rating_by_id(org_id, int(added))

    async def set_rating_message(self, org_id: int, rating_id: int, message_id: int) -> None:
        await self._s.execute(
            update(ClientRatingRow)
            .where(_COLUMNS.organization_id == org_id, _COLUMNS.id == rating_id)
            .values(message_id=message_id)
        )

    async def rating(self, org_id: int, order_id: int) -> Rating | None:
        row = (
            await self._s.execute(
                select(ClientRatingRow).where(
                    _COLUMNS.organization_id == org_id, _COLUMNS.order_id == order_id
                )
            )
        ).scalar_one_or_none()
        return to_rating(row) if row is not None else None

    async def rating_by_id(self, org_id: int, rating_id: int) -> Rating | None:
        row = (
            await self._s.execute(
                select(ClientRatingRow)
                .where(_COLUMNS.organization_id == org_id, _COLUMNS.id == rating_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        return to_rating(row) if row is not None else None

    async def rate(
        self,
        org_id: int,
        rating_id: int,
        stars: int,
        comment: str | None,
        awaiting: bool,
        now: datetime,
    ) -> Rating | None:
        changed = await self._s.execute(
            update(ClientRatingRow)
            .where(
                _COLUMNS.organization_id == org_id,
                _COLUMNS.id == rating_id,
                _COLUMNS.stars.is_(None),
            )
            .values(stars=stars, comment=comment, awaiting_comment=awaiting, rated_at=now)
        )
        if changed.rowcount != 1:
            return None
        return await self.rating_by_id(org_id, rating_id)

    async def close_comment(
        self, org_id: int, rating_id: int, comment: str | None
    ) -> Rating | None:
        changed = await self._s.execute(
            update(ClientRatingRow)
            .where(
                _COLUMNS.organization_id == org_id,
                _COLUMNS.id == rating_id,
                _COLUMNS.awaiting_comment.is_(True),
            )
            .values(comment=comment, awaiting_comment=False)
        )
        if changed.rowcount != 1:
            return None
        return await self.rating_by_id(org_id, rating_id)

    async def awaiting_comment(self, org_id: int, client_id: int) -> Rating | None:
        row = (
            await self._s.execute(
                select(ClientRatingRow)
                .where(
                    _COLUMNS.organization_id == org_id,
                    _COLUMNS.client_id == client_id,
                    _COLUMNS.awaiting_comment.is_(True),
                )
                .order_by(_COLUMNS.rated_at.desc(), _COLUMNS.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        return to_rating(row) if row is not None else None

    async def client_ratings(
        self, org_id: int, client_id: int, limit: int = 5
    ) -> list[tuple[Rating, int]]:
        orders = OrderRow.__table__.c
        rows = await self._s.execute(
            select(ClientRatingRow, orders.number)
            .join(OrderRow, orders.id == _COLUMNS.order_id)
            .where(
                _COLUMNS.organization_id == org_id,
                _COLUMNS.client_id == client_id,
                _COLUMNS.stars.is_not(None),
            )
            .order_by(_COLUMNS.rated_at.desc(), _COLUMNS.id.desc())
            .limit(limit)
        )
        return [(to_rating(row), int(number)) for row, number in rows.all()]

    async def ratings_by_worker(
        self, org_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, dict[int, tuple[int, int]]]:
        if not org_ids:
            return {}
        orders = OrderRow.__table__.c
        rows = await self._s.execute(
            select(
                _COLUMNS.organization_id,
                orders.assignee_id,
                func.sum(_COLUMNS.stars),
                func.count(_COLUMNS.id),
            )
            .join(OrderRow, orders.id == _COLUMNS.order_id)
            .where(
                _COLUMNS.organization_id.in_(list(org_ids)),
                _COLUMNS.rated_at >= start,
                _COLUMNS.rated_at < end,
                _COLUMNS.stars.is_not(None),
                orders.assignee_id.is_not(None),
            )
            .group_by(_COLUMNS.organization_id, orders.assignee_id)
        )
        found: dict[int, dict[int, tuple[int, int]]] = {}
        for org_id, user_id, total, count in rows.all():
            found.setdefault(int(org_id), {})[int(user_id)] = (int(total), int(count))
        return found
