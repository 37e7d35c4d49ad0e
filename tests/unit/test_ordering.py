"""One update at a time within a chat: a person's updates waiting for their turn hold no slot
(others are served meanwhile), and the arrival hook runs for each update before any wait."""

from __future__ import annotations

import asyncio
import contextlib

from telegram import Update

from bot.ordering import PerChatUpdateProcessor


def update(update_id: int, chat_id: int) -> Update:
    chat = {"id": chat_id, "type": "private"}
    return Update.de_json(
        {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat}},
        None,
    )


async def test_waiting_for_a_chats_turn_holds_no_slot_and_arrival_comes_first():
    arrived: list[int] = []

    @contextlib.asynccontextmanager
    async def arrival(seen: object):
        assert isinstance(seen, Update)
        arrived.append(seen.update_id)
        yield

    processor = PerChatUpdateProcessor(2, arrival)
    release, done = asyncio.Event(), []

    async def handle(update_id: int, hold: bool = False) -> None:
        if hold:
            await release.wait()
        done.append(update_id)

    first = asyncio.create_task(processor.process_update(update(1, 10), handle(1, hold=True)))
    second = asyncio.create_task(processor.process_update(update(2, 10), handle(2)))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(processor.process_update(update(3, 20), handle(3)), 1.0)
    assert done == [3] and arrived == [1, 2, 3]  # chat 10's second update took no slot
    release.set()
    await asyncio.gather(first, second)
    assert done == [3, 1, 2]
    assert processor.max_concurrent_updates == 2
