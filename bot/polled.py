"""Updates fetched with getUpdates and not confirmed to Telegram yet (docs/inbox.md).

Telegram keeps an update until a getUpdates call with a higher offset confirms it: until the
poller's next getUpdates, an update it fetched is safe with Telegram, which sends it again to
the next process if this one dies. So the update inbox (storage/runtime/inbox.py) is needed
only for what has not settled when the next getUpdates goes out. An update settles once its
change is committed with its ledger record and outbox rows, or, changing nothing, once it is
answered, or once it is skipped as applied before. Before each getUpdates that would confirm
a batch, the poller waits up to GRACE_SECONDS for the batch to settle; what has not settled
by then (a slow update, one waiting for its chat's turn or for the rate limiter, one that
failed) is stored in the inbox in one statement, and the getUpdates goes out. A quiet bot's
update usually settles in a few milliseconds: it costs no inbox write, no ledger note and no
drop of its copy (docs/cpu-per-update.md, fifth round).

A settled update that changed nothing has no ledger record: if the process dies before the
next getUpdates, Telegram sends it again and it is answered again (as a read-only update
noted and not written yet was before). A change is never applied twice: its ledger record
is committed with it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from telegram.error import NetworkError

from core.runtime.updates import UpdateLedger
from storage.runtime.inbox import SqlUpdateInbox

GRACE_SECONDS = 0.1  # what the next getUpdates waits at most for the batch before it to settle


class Polled:
    """Process-wide: each fetched update not settled yet, and the poller that fetched it."""

    def __init__(
        self, inbox: SqlUpdateInbox, ledger: UpdateLedger, grace: float = GRACE_SECONDS
    ) -> None:
        self.inbox = inbox
        self.ledger = ledger
        self.grace = grace
        self._open: dict[int, Poller] = {}

    def poller(self) -> Poller:
        return Poller(self)

    def settled(self, update_id: int) -> None:
        """The update is applied and answered, or was skipped: its getUpdates may confirm it."""
        poller = self._open.pop(update_id, None)
        if poller is not None:
            poller.settled(update_id)


class Poller:
    """One long-polling bot's unconfirmed batch: `fetched` as getUpdates returns it,
    `confirming` before the next getUpdates goes out."""

    def __init__(self, polled: Polled) -> None:
        self._polled = polled
        self._batch: dict[int, dict[str, Any]] = {}  # update id -> payload, not settled
        self._storing: dict[int, dict[str, Any]] = {}  # being stored in the inbox
        self._all_settled = asyncio.Event()
        self._all_settled.set()

    def fetched(self, batch: Sequence[dict[str, Any]]) -> None:
        """A getUpdates batch (keyed for an own bot), about to be applied."""
        kept = [u for u in batch if isinstance(u.get("update_id"), int)]
        self._polled.inbox.received([u["update_id"] for u in kept])  # docs/work-times.md
        for payload in kept:
            self._batch[payload["update_id"]] = payload
            self._polled._open[payload["update_id"]] = self
        if self._batch:
            self._all_settled.clear()

    def settled(self, update_id: int) -> None:
        self._batch.pop(update_id, None)
        self._storing.pop(update_id, None)
        if not self._batch:
            self._all_settled.set()

    async def confirming(self) -> None:
        """Before a getUpdates that confirms the batch fetched last: the batch settled, or
        what has not settled is in the inbox. A failed store leaves the batch unconfirmed:
        the getUpdates does not go out (python-telegram-bot's poller tries again)."""
        if not self._batch:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._polled.grace):
                await self._all_settled.wait()
        if not self._batch:
            return
        self._storing, self._batch = self._batch, {}
        self._all_settled.set()
        try:
            await self._polled.inbox.save(list(self._storing.values()), self._polled.ledger)
        except BaseException as error:
            self._batch.update(self._storing)  # what settled meanwhile left both
            if self._batch:
                self._all_settled.clear()
            if isinstance(error, Exception):  # the database: a network error to the poller
                raise NetworkError("update inbox unavailable") from None
            raise
        else:
            for update_id in self._storing:  # stored: whenever it settles, it may be confirmed
                self._polled._open.pop(update_id, None)
        finally:
            self._storing = {}
