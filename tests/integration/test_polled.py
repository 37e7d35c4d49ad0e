"""A getUpdates batch goes to the inbox only for what has not settled when the next getUpdates
would confirm it (bot/polled.py, docs/inbox.md), on both databases: a settled batch writes
nothing; what has not settled after the wait is stored once, keeps the time it came in, and is
released for a ledger note; a store that fails leaves the batch open and stops the getUpdates."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import NetworkError

from bot.polled import Polled
from core.runtime.updates import UpdateLedger
from storage.db import create_engine, session_factory
from storage.runtime.inbox import SqlUpdateInbox


def _update(update_id: int) -> dict:
    chat = {"id": 77, "type": "private"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat,
            "text": "/help"}}  # fmt: skip


@pytest.fixture
async def world(db_url, clock, uow_factory):
    engine = create_engine(db_url)
    inbox = SqlUpdateInbox(session_factory(engine), clock)
    polled = Polled(inbox, UpdateLedger(uow_factory, clock), grace=0.05)
    try:
        yield inbox, polled
    finally:
        await engine.dispose()


async def test_a_batch_settled_in_time_is_never_stored(world):
    inbox, polled = world
    poller = polled.poller()
    poller.fetched([_update(1), _update(2)])

    async def apply() -> None:
        await asyncio.sleep(0.01)
        for update_id in (1, 2):
            assert not inbox.release(update_id), "not stored: nothing to note"
            polled.settled(update_id)

    applying = asyncio.create_task(apply())
    await poller.confirming()  # returns as soon as both settled
    await applying
    assert await inbox.pending() == []
    await poller.confirming()  # nothing open: at once


async def test_what_has_not_settled_is_stored_with_the_time_it_came_in(world, clock):
    inbox, polled = world
    poller = polled.poller()
    came_in = clock.now()
    poller.fetched([_update(1), _update(2), _update(3)])
    polled.settled(2)
    clock.advance(seconds=30)
    await poller.confirming()  # 1 and 3 still being applied after the wait
    assert [u["update_id"] for u in await inbox.pending()] == [1, 3]
    assert inbox.arrived(3) == came_in, "the time it came in, not the store's"
    assert inbox.release(1), "stored: its ledger note or drop follows once applied"
    assert not inbox.release(2)
    polled.settled(1)
    polled.settled(3)
    await poller.confirming()  # stored already: nothing more
    assert [u["update_id"] for u in await inbox.pending()] == [1, 3]


async def test_a_failed_store_stops_the_getupdates_and_keeps_the_batch_open(world, monkeypatch):
    inbox, polled = world
    poller = polled.poller()
    poller.fetched([_update(1), _update(2)])
    real_save = inbox.save

    async def failing(*_args: object, **_kwargs: object) -> None:
        raise OSError("connection refused: INSERT ... 'private text'")

    monkeypatch.setattr(inbox, "save", failing)
    with pytest.raises(NetworkError) as raised:
        await poller.confirming()
    assert "private text" not in str(raised.value) and raised.value.__suppress_context__
    polled.settled(2)  # applied meanwhile
    monkeypatch.setattr(inbox, "save", real_save)
    await poller.confirming()
    assert [u["update_id"] for u in await inbox.pending()] == [1]


async def test_an_update_that_settles_while_it_is_stored_is_released_for_its_note(
    world, monkeypatch
):
    """What is stored is decided when the wait ends: an update that settles while the insert
    is still under way was stored, so it is released for its ledger note (its copy leaves)."""
    inbox, polled = world
    poller = polled.poller()
    poller.fetched([_update(5)])
    real_insert, inserting, go_on = inbox._insert, asyncio.Event(), asyncio.Event()

    async def held_insert(*args: object) -> None:
        inserting.set()
        await go_on.wait()
        await real_insert(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(inbox, "_insert", held_insert)
    storing = asyncio.create_task(poller.confirming())
    await inserting.wait()
    assert inbox.release(5), "being stored: noted once applied"
    polled.settled(5)
    go_on.set()
    await storing
    assert [u["update_id"] for u in await inbox.pending()] == [5]
