"""The update inbox: every update this process receives is stored before Telegram is told it
arrived, so a process killed at any instant loses none (see `UpdateInboxRow`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.ports import Clock
from core.runtime.updates import UpdateLedger
from storage.db import BEFORE_BEGIN, once_more_if_dropped
from storage.tables import ProcessedUpdateRow, UpdateInboxRow

_inbox = UpdateInboxRow.__table__
_ledger = ProcessedUpdateRow.__table__


_DROP = delete(_inbox).where(_inbox.c.update_id.in_(bindparam("ids", expanding=True)))
_SWEEP = delete(_inbox).where(exists().where(_ledger.c.update_id == _inbox.c.update_id))
# Telegram redelivers an update it was not told about (a process killed after applying it): its
# ledger record stands, so its copy is not stored (nothing would ever delete it). Checked in
# the insert itself, row by row, on the ledger's key.
_id = bindparam("update_id", type_=_inbox.c.update_id.type)
_UNAPPLIED = select(
    _id,
    bindparam("payload", type_=_inbox.c.payload.type),
    bindparam("received_at", type_=_inbox.c.received_at.type),
).where(~exists().where(_ledger.c.update_id == _id))


class SqlUpdateInbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        # Written on a connection of the sessions' engine, without an ORM session: this runs
        # for every getUpdates batch (docs/cpu-per-update.md).
        self._engine: AsyncEngine = sessions.kw["bind"]
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        self._add = (
            insert(_inbox)
            .from_select(["update_id", "payload", "received_at"], _UNAPPLIED)
            .on_conflict_do_nothing(index_elements=["update_id"])
            # On PostgreSQL a batch with no notes is one statement: no BEGIN and COMMIT around
            # it (storage/db.py); SQLite begins as usual (a write takes the write lock).
            .execution_options(**{BEFORE_BEGIN: True})
        )
        self._note = insert(_ledger).on_conflict_do_nothing(index_elements=["update_id"])
        # When each update not applied yet first came in (issue 20, item 9: a tap has no time
        # of its own; docs/work-times.md). Taken by `arrived` as the update is applied.
        self._arrived: dict[int, datetime] = {}
        # The updates this process stored or found here and has not applied yet: only these
        # need a ledger note or a drop once applied (`release`; bot/polled.py stores only
        # what did not settle before the next getUpdates).
        self._held: set[int] = set()

    def received(self, update_ids: Sequence[int]) -> None:
        """Updates fetched and not stored (bot/polled.py): when they came in."""
        now = self._clock.now()
        for update_id in update_ids:
            self._arrived.setdefault(update_id, now)

    def release(self, update_id: int) -> bool:
        """The update is applied or skipped: whether this process stored it or found it
        here (its copy must then leave with a ledger note or drop)."""
        if update_id in self._held:
            self._held.discard(update_id)
            return True
        return False

    async def save(
        self, updates: Sequence[dict[str, Any]], ledger: UpdateLedger | None = None
    ) -> None:
        """Store a batch in one statement and one transaction (a redelivery is ignored).
        `ledger`: what it noted and has not written yet is written in the same transaction
        (see `UpdateLedger.unwritten`)."""
        now = self._clock.now()
        arrived = self._arrived
        rows = [
            {
                "update_id": u["update_id"],
                "payload": u,
                "received_at": arrived.get(u["update_id"], now),
            }
            for u in updates
            if isinstance(u.get("update_id"), int)
        ]
        if not rows:
            return
        for row in rows:  # before the insert: one applied meanwhile is noted (bot/app.py)
            arrived.setdefault(row["update_id"], now)
            self._held.add(row["update_id"])
        noted, leaving = ledger.unwritten() if ledger is not None else ([], [])
        await once_more_if_dropped(lambda: self._insert(rows, noted, leaving, now), "update inbox")
        if ledger is not None and noted:
            ledger.written(noted, leaving)

    async def _insert(
        self, rows: list[dict[str, Any]], noted: list[int], leaving: list[int], now: datetime
    ) -> None:
        async with self._engine.begin() as connection:
            if noted:  # read-only updates applied and answered: in the ledger, out of here
                await connection.execute(
                    self._note, [{"update_id": u, "processed_at": now} for u in noted]
                )
                # with them, the updates recorded by their own changes (`UpdateLedger.applied`)
                await connection.execute(_DROP, {"ids": [*noted, *leaving]})
            await connection.execute(self._add, rows)

    async def pending(self, limit: int = 10_000) -> list[dict[str, Any]]:
        """Updates received but not applied, oldest first (those a dead process left). The
        copies of applied updates a dead process left (the ledger drops them with its next
        batch, core/runtime/updates.py) are deleted first."""
        applied = select(_ledger.c.update_id).where(_ledger.c.update_id == _inbox.c.update_id)
        stmt = (
            select(_inbox.c.payload, _inbox.c.received_at)
            .where(~applied.exists())
            .order_by(_inbox.c.update_id)
            .limit(limit)
        )
        async with self._sessions.begin() as session:
            await session.execute(_SWEEP)
            rows = list(await session.execute(stmt))
        for row in rows:  # the time it first came in, not this replay's
            self._arrived[int(row.payload["update_id"])] = row.received_at
            self._held.add(int(row.payload["update_id"]))
        return [dict(row.payload) for row in rows]

    def arrived(self, update_id: int) -> datetime | None:
        """When the update first came in (stored here), taken once as it is applied; None: it
        did not come through this inbox (a webhook delivery, a redelivered copy)."""
        return self._arrived.pop(update_id, None)
