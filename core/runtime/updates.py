"""The ledger of applied Telegram updates, so a redelivered update is applied once.

An update that changed data is recorded in the same transaction as the change (the unit of
work claims it at its first commit). One that changed nothing (a read-only command, a card
opened) is noted here and written with others in one statement a moment later: a record per
read-only update was one more write transaction per update. When polling, the next getUpdates
batch usually comes first, and the notes are written in the transaction that stores it in the
inbox (storage/runtime/inbox.py): a quiet bot's read-only update then costs no transaction of
its own. Until then this process still knows it; a redelivery to another process within that
moment repeats an answer, never a change.

An update that changed data leaves the inbox with the ledger's next batch too (`applied`), not
in its own transaction: one statement less per change. Its copy there is ignored meanwhile (the
inbox returns only what the ledger has not recorded), and is dropped with the next notes
written, or DROP_SECONDS later when no note comes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from core.ports import Clock, UowFactory

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.05
FLUSH_SIZE = 500
DROP_SECONDS = 1.0  # a changed update's inbox copy, when no note is written before


class UpdateLedger:
    shared_across_updates = True  # one ledger per process, never bound to an update

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._pending: set[int] = set()
        self._leaving: set[int] = set()  # recorded by their own transaction; still in the inbox
        self._flushing: asyncio.Task[None] | None = None
        self._dropping: asyncio.Task[None] | None = None

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

    def applied(self, update_id: int) -> None:
        """An update recorded in the transaction of its changes: its inbox copy is dropped
        with the next notes written, or within DROP_SECONDS."""
        self._leaving.add(update_id)
        if self._dropping is None or self._dropping.done():
            self._dropping = asyncio.get_running_loop().create_task(self._flush_soon(DROP_SECONDS))

    def unwritten(self) -> tuple[list[int], list[int]]:
        """What was noted and is not written yet, and the recorded updates still to drop from
        the inbox (at most FLUSH_SIZE each), for a transaction that is written anyway (the
        next getUpdates batch stored in the inbox): a quiet bot's read-only update then costs
        no transaction of its own. The drops only go with notes (their DELETE is there
        anyway). `written` once it committed."""
        if not self._pending:
            return [], []
        return sorted(self._pending)[:FLUSH_SIZE], sorted(self._leaving)[:FLUSH_SIZE]

    def written(self, update_ids: Sequence[int], dropped: Sequence[int] = ()) -> None:
        self._pending.difference_update(update_ids)
        self._leaving.difference_update(dropped)

    async def _flush_soon(self, seconds: float = FLUSH_SECONDS) -> None:
        await asyncio.sleep(seconds)
        await self.flush()

    async def flush(self) -> None:
        """Write what was noted and drop from the inbox what was recorded (also at shutdown)."""
        while self._pending or self._leaving:
            batch = sorted(self._pending)[:FLUSH_SIZE]
            leaving = sorted(self._leaving)[:FLUSH_SIZE]
            try:
                async with self._uow() as uow:
                    await uow.updates.note(batch, self._clock.now(), leaving)
                    await uow.commit()
            except Exception as error:  # noqa: BLE001 - kept in memory; tried again next time
                log.warning("update ledger flush failed: %s", type(error).__name__)
                return
            self.written(batch, leaving)

    async def close(self) -> None:
        for task in (self._flushing, self._dropping):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.flush()
