"""The update inbox: every update this process receives is stored before Telegram is told it
arrived, so a process killed at any instant loses none (see `UpdateInboxRow`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ports import Clock
from storage.db import once_more_if_dropped
from storage.tables import ProcessedUpdateRow, UpdateInboxRow

_inbox = UpdateInboxRow.__table__
_ledger = ProcessedUpdateRow.__table__


class SqlUpdateInbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def save(self, updates: Sequence[dict[str, Any]]) -> None:
        """Store a batch in one statement and one transaction (a redelivery is ignored)."""
        rows = [
            {"update_id": u["update_id"], "payload": u, "received_at": self._clock.now()}
            for u in updates
            if isinstance(u.get("update_id"), int)
        ]
        if not rows:
            return
        await once_more_if_dropped(lambda: self._insert(rows), "update inbox")

    async def _insert(self, rows: list[dict[str, Any]]) -> None:
        async with self._sessions.begin() as session:
            insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
            stmt = insert(_inbox).on_conflict_do_nothing(index_elements=["update_id"])
            await session.execute(stmt, rows)
            # Telegram redelivers an update it was not told about (a process killed after
            # applying it): its ledger record stands, so its copy must not stay here for good
            # (nothing else would delete it). One statement, only on the ledger's key.
            ids = [row["update_id"] for row in rows]
            applied = select(_ledger.c.update_id).where(_ledger.c.update_id.in_(ids))
            await session.execute(delete(_inbox).where(_inbox.c.update_id.in_(applied)))

    async def pending(self, limit: int = 10_000) -> list[dict[str, Any]]:
        """Updates received but not applied, oldest first (those a dead process left)."""
        applied = select(_ledger.c.update_id).where(_ledger.c.update_id == _inbox.c.update_id)
        stmt = (
            select(_inbox.c.payload)
            .where(~applied.exists())
            .order_by(_inbox.c.update_id)
            .limit(limit)
        )
        async with self._sessions.begin() as session:
            return [dict(row.payload) for row in await session.execute(stmt)]
