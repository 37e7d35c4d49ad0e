"""Sent edits whose outbox rows leave with the next update's commit (docs/outbox.md, "Marks
that ride along").

A message sent from the outbox is marked by deleting its row. A new message is marked at once
(with what its id is recorded for), in its own short transaction: sending it twice would show
it twice. An edit, a keyboard change or a deletion may be repeated freely (Telegram refuses a
repeated edit as "message is not modified" and the sender drops it), so its row does not need
a transaction of its own: it is taken out by the next update that commits changes (one
statement more in that transaction), or within MARK_SECONDS by a transaction of its own when
none comes. A tap on a card costs one transaction instead of two on a busy bot. If the process
dies in between, the row is taken over and the edit sent again: the same edit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from core.runtime.outbox import Sent

log = logging.getLogger(__name__)

MARK_SECONDS = 0.05


class PendingMarks:
    """What the sender sent and has not taken out of the outbox yet (core's `Unmarked`)."""

    def __init__(self, write: Callable[[list[Sent]], Awaitable[None]]) -> None:
        self._write = write  # its own transaction
        self._sent: list[Sent] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, sent: Sequence[Sent]) -> None:
        self._sent.extend(sent)
        if self._sent and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._soon())

    def take(self) -> list[Sent]:
        """For an update's transaction; `back` if it does not commit."""
        taken, self._sent = self._sent, []
        return taken

    def back(self, taken: list[Sent]) -> None:
        self.add(taken)

    async def _soon(self) -> None:
        await asyncio.sleep(MARK_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        taken = self.take()
        if not taken:
            return
        try:
            await self._write(taken)
        except Exception as error:  # noqa: BLE001 - the database is away: held, tried again
            log.warning("outbox marks not written: %s", type(error).__name__)
            self._sent[:0] = taken

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
