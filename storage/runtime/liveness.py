"""Whether the process holding a job is alive, so a killed process's jobs are taken over at
once instead of after their lease.

On PostgreSQL each process that runs jobs holds a session-level advisory lock, keyed by its
process id, on a connection of its own for as long as it lives; the server drops the lock
with the connection when the process dies. A running job whose holder's lock is free is
abandoned. The lock is taken before the process's runners claim anything, so every running
job's holder either holds its lock or is gone. On SQLite one process serves, so everything a
previous process left running is handed back at start-up.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.domain import JobStatus
from storage.tables import JobRow

log = logging.getLogger(__name__)

NAMESPACE = 7_310_312  # this application's liveness locks, among advisory locks (int4)


def _holder_gone(column: str) -> Any:
    """The holder in `column` is gone. The process id is the holder without its last part
    ("host:pid:tag:runner", "host:pid:tag:outbox")."""
    clause = (
        "NOT EXISTS (SELECT 1 FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.objsubid = 2 AND l.classid = CAST(:liveness_ns AS oid) "
        "AND l.objid = CAST(hashtext(regexp_replace(HOLDER, ':[^:]*$', ''))::bigint "
        "& 4294967295 AS oid))"
    )
    return text(clause.replace("HOLDER", column)).bindparams(liveness_ns=NAMESPACE)


HOLDER_GONE = _holder_gone("job.locked_by")
HOLDER_GONE_OUTBOX = _holder_gone("outbox.locked_by")


class Liveness:
    """This process's liveness mark: `hold` before its runners start, `release` at stop."""

    def __init__(self, engine: AsyncEngine, process_id: str) -> None:
        self._engine = engine
        self.process_id = process_id
        self._connection: AsyncConnection | None = None

    async def hold(self) -> None:
        if self._engine.dialect.name != "postgresql":
            await self._hand_back_everything()
            return
        connection = await self._engine.connect()
        try:
            lock = text("SELECT pg_advisory_lock(:ns, hashtext(:process))")
            await connection.execute(lock, {"ns": NAMESPACE, "process": self.process_id})
            await connection.commit()  # the lock belongs to the session, not the transaction
        except Exception:
            await connection.invalidate()
            raise
        self._connection = connection

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Closed for good, not returned to the pool, where the session would live on
            # holding the lock: ending the session releases it.
            await connection.invalidate()
        except Exception as exc:  # noqa: BLE001 - gone already is as good
            log.info("liveness connection closed: %s", type(exc).__name__)

    async def _hand_back_everything(self) -> None:
        stmt: Any = (
            update(JobRow.__table__)
            .where(JobRow.__table__.c.status == JobStatus.RUNNING.value)
            .values(status=JobStatus.PENDING.value, locked_by=None, locked_until=None)
        )
        async with self._engine.begin() as connection:
            handed = (await connection.execute(stmt)).rowcount
        if handed:
            log.info("%s jobs a previous process left running are queued again", handed)
