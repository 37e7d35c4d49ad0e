"""The staff copies of a relayed client message (two-way messages, docs/client-loop.md): the
relay job records each copy's chat and message id; an answer to the message (Reply) carries
them, so the Reply button goes from every copy, the answering person's included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.client_loop.setup import ClientLoopSetup
from core.outcomes import ClientMessaged
from core.ports import UnitOfWork


class RelayCopies(ClientLoopSetup):
    async def relayed(
        self, org_id: int, message_id: int, copies: Sequence[tuple[int, int]]
    ) -> None:
        """The relay job sent the client's message `message_id` as these (chat, message id)."""
        if not copies:
            return
        async with self._uow() as uow:
            await uow.client_loop.add_relay_copies(org_id, message_id, copies, self._clock.now())
            await uow.commit()


async def answered(
    uow: UnitOfWork, org_id: int, message_id: int | None, sent: ClientMessaged
) -> ClientMessaged:
    """The staff message, with the copies of the client's message it answers (if any)."""
    if message_id is None:
        return sent
    copies = await uow.client_loop.relay_copies(org_id, message_id)
    return replace(sent, answered=tuple(copies))
