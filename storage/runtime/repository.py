"""Conversation state, the processed-update ledger and the durable job table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.dialogs.data import state_from_json, state_to_json
from core.dialogs.engine import DialogState
from core.errors import ConcurrencyConflict, DuplicateUpdate
from storage.db import BEFORE_BEGIN
from storage.tables import DialogStateRow, JobRow, ProcessedUpdateRow, UpdateInboxRow

_inbox = UpdateInboxRow.__table__  # an update's stored copy goes with its ledger record


JOBS_CHANNEL = "astracrm_jobs"  # PostgreSQL NOTIFY channel: job runners wake on it


def jobs_added(session: AsyncSession) -> None:
    """Mark the transaction: it added jobs, so job runners are woken when it commits."""
    session.info["jobs_added"] = True


def _insert(session: AsyncSession, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT support."""
    if session.bind.dialect.name == "postgresql":
        return pg_insert(table)
    return sqlite_insert(table)


class SqlDialogRepository:
    """Conversations held with one bot (`bot`: its number, 0 the shared bot): a person's chat
    with each bot has the same id, and a dialog in one is not continued in another."""

    def __init__(self, session: AsyncSession, bot: int = 0) -> None:
        self._s = session
        self._bot = bot

    def _of(self, chat_id: int, user_id: int) -> tuple[Any, ...]:
        return (
            DialogStateRow.bot == self._bot,
            DialogStateRow.chat_id == chat_id,
            DialogStateRow.user_id == user_id,
        )

    async def get(self, chat_id: int, user_id: int) -> DialogState | None:
        stmt = select(DialogStateRow).where(*self._of(chat_id, user_id))
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return state_from_json(row.flow, row.step, row.data, row.version)

    async def save(self, chat_id: int, user_id: int, state: DialogState, now: datetime) -> None:
        """A fresh flow (version 0) replaces whatever was there; a continued one must still be
        at the version it was read at, or another process got there first."""
        if state.version == 0:
            await self.clear(chat_id, user_id)
            self._s.add(
                DialogStateRow(
                    bot=self._bot,
                    chat_id=chat_id,
                    user_id=user_id,
                    flow=state.flow,
                    step=state.step,
                    data=state_to_json(state.data),
                    version=1,
                    updated_at=now,
                )
            )
            await self._s.flush()
            return
        stmt = (
            update(DialogStateRow)
            .where(*self._of(chat_id, user_id), DialogStateRow.version == state.version)
            .values(
                flow=state.flow,
                step=state.step,
                data=state_to_json(state.data),
                version=state.version + 1,
                updated_at=now,
            )
        )
        if not (await self._s.execute(stmt)).rowcount:
            raise ConcurrencyConflict("dialog_state")

    async def clear(self, chat_id: int, user_id: int) -> None:
        await self._s.execute(delete(DialogStateRow).where(*self._of(chat_id, user_id)))


_ledger = ProcessedUpdateRow.__table__
# Built once: every update runs one of them (docs/cpu-per-update.md).
_LEDGER_ADD = {
    "postgresql": pg_insert(_ledger).on_conflict_do_nothing(index_elements=["update_id"]),
    "sqlite": sqlite_insert(_ledger).on_conflict_do_nothing(index_elements=["update_id"]),
}
_INBOX_DROP = delete(_inbox).where(_inbox.c.update_id.in_(bindparam("ids", expanding=True)))
# On PostgreSQL the ledger's batch is one statement, the inbox's DELETE a CTE of its INSERT, run
# on its own (`BEFORE_BEGIN`: one round trip instead of BEGIN, two statements and COMMIT).
_PG_NOTE = (
    pg_insert(_ledger)
    .from_select(
        ["update_id", "processed_at"],
        select(
            func.unnest(bindparam("ids", type_=ARRAY(BigInteger))),
            bindparam("now", type_=_ledger.c.processed_at.type),
        ),
    )
    .on_conflict_do_nothing(index_elements=["update_id"])
    .add_cte(
        delete(_inbox)
        .where(_inbox.c.update_id == any_(bindparam("dropped", type_=ARRAY(BigInteger))))
        .cte("dropped")
    )
    .execution_options(**{BEFORE_BEGIN: True})
)


class SqlProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def seen(self, update_id: int) -> bool:
        return await self._s.get(ProcessedUpdateRow, update_id) is not None

    def _add(self) -> Any:
        name = self._s.bind.dialect.name
        return _LEDGER_ADD["postgresql" if name == "postgresql" else "sqlite"]

    async def claim(self, update_id: int, now: datetime) -> None:
        row = {"update_id": update_id, "processed_at": now}
        if not (await self._s.execute(self._add(), row)).rowcount:
            raise DuplicateUpdate(update_id)
        # Its inbox copy leaves with the ledger's next batch (`note`, core/runtime/updates.py)

    async def note(
        self, update_ids: Sequence[int], now: datetime, leaving: Sequence[int] = ()
    ) -> None:
        if self._s.bind.dialect.name == "postgresql":
            values = {"ids": list(update_ids), "now": now, "dropped": [*update_ids, *leaving]}
            await self._s.execute(_PG_NOTE, values)
            return
        if update_ids:
            rows = [{"update_id": u, "processed_at": now} for u in update_ids]
            # executemany: compiled once (a multi-row VALUES is compiled anew every time)
            await self._s.execute(self._add(), rows)
        dropped = [*update_ids, *leaving]
        if dropped:
            await self._s.execute(_INBOX_DROP, {"ids": dropped})


class SqlJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        run_at: datetime,
        org_id: int | None = None,
        dedup_key: str | None = None,
    ) -> int | None:
        """Add a job in the caller's transaction; a repeated dedup key adds nothing."""
        values = dict(
            kind=kind,
            payload=payload,
            run_at=run_at,
            organization_id=org_id,
            dedup_key=dedup_key,
            status="pending",
            attempts=0,
            max_attempts=8,
            created_at=run_at,
            updated_at=run_at,
        )
        stmt = _insert(self._s, JobRow).values(**values)
        if dedup_key is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=["dedup_key"])
        result = await self._s.execute(stmt.returning(JobRow.id))
        jobs_added(self._s)
        return result.scalar_one_or_none()
