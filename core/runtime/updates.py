"""The ledger of applied Telegram updates, so a redelivered update is applied once.

An update that changed data is recorded in the same transaction as the change (the unit of
work claims it at its first commit). One that changed nothing (a read-only command, a card
opened) is noted here and written with others in one statement a moment later: a record per
read-only update was one more write transaction per update. When polling, the next getUpdates
batch usually comes first, and the notes are written in the transaction that stores it in the
inbox (storage/runtime/inbox.py): a quiet bot's read-only update then costs no transaction of
its own. Until then this process still knows it; a redelivery to another process within that
moment repeats an answer, never a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.ports import Clock, UowFactory

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.05
FLUSH_SIZE = 500


class UpdateLedger:
    shared_across_updates = True  # one ledger per process, never bound to an update

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._pending: set[int] = set()
        self._flushing: asyncio.Task[None] | None = None

    def noted(self, update_id: int) -> bool:
        """Whether this process noted the update and has not written it yet."""
        return update_id in self._pending

    async def seen(self, update_id: int) -> bool:
        if update_id in self._pending:
            return True
        async with self._uow() as uow:
            return await uow.updates.seen(update_id)

    def note(self, update_id: int) -> None:
        """Record an update that changed nothing, with others, within FLUSH_SECONDS."""
        self._pending.add(update_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush_soon())

    def unwritten(self) -> list[int]:
        """What was noted and is not written yet (at most FLUSH_SIZE), for a transaction that
        is written anyway (the next getUpdates batch stored in the inbox): a quiet bot's
        read-only update then costs no transaction of its own. `written` once it committed."""
        return sorted(self._pending)[:FLUSH_SIZE] if self._pending else []

    def written(self, update_ids: list[int]) -> None:
        self._pending.difference_update(update_ids)

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        """Write what was noted (also at shutdown)."""
        while self._pending:
            batch = sorted(self._pending)[:FLUSH_SIZE]
            try:
                async with self._uow() as uow:
                    await uow.updates.note(batch, self._clock.now())
                    await uow.commit()
            except Exception as error:  # noqa: BLE001 - kept in memory; tried again next time
                log.warning("update ledger flush failed: %s", type(error).__name__)
                return
            self._pending.difference_update(batch)

    async def close(self) -> None:
        if self._flushing is not None and not self._flushing.done():
            self._flushing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        await self.flush()
