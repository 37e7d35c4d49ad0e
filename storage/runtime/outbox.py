"""The outbox (core/runtime/outbox.py): rows written in the change's transaction, deleted as
sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.runtime.outbox import Delivery, Sent, Stored
from storage.runtime.liveness import HOLDER_GONE_OUTBOX
from storage.tables import OutboxRow

_box = OutboxRow.__table__
_c = _box.c
# Built once (docs/cpu-per-update.md). The rows are inserted as an executemany that SQLAlchemy
# sends as one INSERT ... VALUES of every row ("insertmanyvalues"), compiled once; a
# multi-row `values()` would be compiled anew for every update.
_ADD = insert(_box).returning(_c.id, _c.chat_id, _c.lane, _c.body)
_MARK = delete(_box).where(_c.id.in_(bindparam("ids", expanding=True)))


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self, deliveries: Sequence[Delivery], owner: str, now: datetime, lease: timedelta
    ) -> list[Stored]:
        """Write the deliveries held by `owner` (who sends them next); one statement."""
        if not deliveries:
            return []
        rows = [
            {
                "chat_id": d.chat_id,
                "lane": d.lane.value,
                "body": d.to_json(),
                "attempts": 0,
                "locked_by": owner,
                "locked_until": now + lease,
                "created_at": now,
            }
            for d in deliveries
        ]
        # One statement: the rows come back with their ids, which follow the order given.
        returned = (await self._s.execute(_ADD, rows)).all()
        return sorted(
            (Stored(r.id, Delivery.from_json(r.chat_id, r.lane, dict(r.body))) for r in returned),
            key=lambda stored: stored.id,
        )

    async def mark(self, outcomes: Sequence[Sent]) -> None:
        """Sent, or given up for good: the rows leave the outbox (one statement). What a
        message id is needed for was recorded in the same transaction (`After`); nothing of
        a sent message (its text, its chat) stays behind."""
        ids = [outcome.id for outcome in outcomes if outcome.id]
        if ids:
            await self._s.execute(_MARK, {"ids": ids})

    async def take_over(
        self, owner: str, now: datetime, lease: timedelta, limit: int, liveness: bool
    ) -> list[Stored]:
        """Pending deliveries whose holder's lease lapsed or whose holder died (its liveness
        mark is gone), oldest first, now held by `owner`."""
        gone: Any = or_(_c.locked_until.is_(None), _c.locked_until < now)
        if liveness:
            gone = or_(gone, HOLDER_GONE_OUTBOX)
        chosen = (
            select(_c.id)
            .where(gone)
            .order_by(_c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(_box)
            .where(_c.id.in_(chosen))
            .values(locked_by=owner, locked_until=now + lease, attempts=_c.attempts + 1)
            .returning(_c.id, _c.chat_id, _c.lane, _c.body)
        )
        rows = (await self._s.execute(stmt)).all()
        return sorted(
            (Stored(r.id, Delivery.from_json(r.chat_id, r.lane, dict(r.body))) for r in rows),
            key=lambda s: s.id,
        )

    async def hand_back(self, owner: str) -> int:
        """Release everything `owner` holds (a process on SQLite starting after a crash)."""
        stmt = update(_box).where(_c.locked_by != owner).values(locked_until=None)
        return int((await self._s.execute(stmt)).rowcount or 0)
