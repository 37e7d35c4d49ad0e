"""The ledger of applied Telegram updates, so a redelivered update is applied once."""

from __future__ import annotations

import contextlib

from core.errors import DuplicateUpdate
from core.ports import Clock, UowFactory


class UpdateLedger:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def seen(self, update_id: int) -> bool:
        async with self._uow() as uow:
            return await uow.updates.seen(update_id)

    async def record(self, update_id: int) -> None:
        """Record an update that changed nothing (a read-only command), ignoring a duplicate."""
        with contextlib.suppress(DuplicateUpdate):
            async with self._uow() as uow:
                await uow.updates.claim(update_id, self._clock.now())
                await uow.commit(claim_update=False)
