"""The outbox (core/runtime/outbox.py): rows written in the change's transaction, deleted as
sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import Label

from core.runtime.outbox import Delivery, Sent, Stored
from storage.db import BEFORE_BEGIN
from storage.runtime.liveness import HOLDER_GONE_OUTBOX
from storage.tables import OutboxRow

_box = OutboxRow.__table__
_c = _box.c
# Built once (docs/cpu-per-update.md). The rows are inserted as an executemany that SQLAlchemy
# sends as one INSERT ... VALUES of every row ("insertmanyvalues"), compiled once; a
# multi-row `values()` would be compiled anew for every update.
# Whether the row's chat belongs to a person who restricted processing of their data: a
# staff member (app_user.restricted_at) or a client linked in Telegram whose card is
# restricted (client.restricted_at). Read in the statement that writes or takes the row, so
# the sender knows without a statement of its own (docs/data-rights.md). Written out: the
# RETURNING clause names the row's own columns without their table, which a correlated
# subquery built by SQLAlchemy would make ambiguous.
_RESTRICTED: Label[bool] = literal_column(
    "(EXISTS (SELECT 1 FROM app_user ru WHERE ru.telegram_id = outbox.chat_id"
    " AND ru.restricted_at IS NOT NULL)"
    " OR EXISTS (SELECT 1 FROM client_link rl JOIN client rc ON rc.id = rl.client_id"
    " JOIN app_user rp ON rp.id = rl.user_id WHERE rp.telegram_id = outbox.chat_id"
    " AND rc.restricted_at IS NOT NULL))"
).label("restricted")
_ADD = insert(_box).returning(_c.id, _c.chat_id, _c.lane, _c.body, _RESTRICTED)
# The mark after sending is most often the only statement of its transaction (no follow-up
# to record): on PostgreSQL it then runs on its own (`BEFORE_BEGIN`), one round trip instead
# of BEGIN, DELETE and COMMIT; after a follow-up's statements it is part of their transaction.
_MARK = (
    delete(_box)
    .where(_c.id.in_(bindparam("ids", expanding=True)))
    .execution_options(**{BEFORE_BEGIN: True})
)


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
            (_stored(r) for r in returned),
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
            .returning(_c.id, _c.chat_id, _c.lane, _c.body, _RESTRICTED)
        )
        rows = (await self._s.execute(stmt)).all()
        return sorted((_stored(r) for r in rows), key=lambda s: s.id)

    async def hand_back(self, owner: str) -> int:
        """Release everything `owner` holds (a process on SQLite starting after a crash)."""
        stmt = update(_box).where(_c.locked_by != owner).values(locked_until=None)
        return int((await self._s.execute(stmt)).rowcount or 0)


def _stored(row: Any) -> Stored:
    delivery = Delivery.from_json(row.chat_id, row.lane, dict(row.body))
    return Stored(row.id, delivery, bool(row.restricted))
