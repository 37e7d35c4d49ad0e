"""What the CPU cuts of issue 18.10 rest on (docs/cpu-per-update.md): read-only updates noted
in the ledger are written with the next getUpdates batch stored in the inbox (both databases),
and SQLite's write lock is taken without awaiting when free, handed on in arrival order, and
not lost by a waiter that gives up."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from core.runtime import updates
from core.runtime.updates import UpdateLedger
from storage import sqlite_inline
from storage.db import create_engine, session_factory
from storage.runtime.inbox import SqlUpdateInbox
from storage.tables import ProcessedUpdateRow, UpdateInboxRow


def _update(update_id: int) -> dict:
    chat = {"id": 77, "type": "private"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat,
            "text": "/help"}}  # fmt: skip


async def test_noted_updates_are_written_with_the_next_batch(db_url, clock, uow_factory):
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    inbox = SqlUpdateInbox(sessions, clock)
    ledger = UpdateLedger(uow_factory, clock)
    try:
        await inbox.save([_update(1), _update(2)], ledger)
        ledger.note(1)  # answered, read-only
        await inbox.save([_update(3)], ledger)  # before the ledger's own flush
        assert ledger.unwritten() == ([], []), "written with the batch"
        assert not ledger.noted(1)
        async with sessions() as session:
            found = (await session.execute(select(ProcessedUpdateRow.update_id))).scalars()
            assert list(found) == [1]
        assert [u["update_id"] for u in await inbox.pending()] == [2, 3]
        await ledger.close()  # nothing left to write: no transaction, no error
        await inbox.save([_update(3)], ledger)  # a repeated batch: nothing noted, nothing new
        assert [u["update_id"] for u in await inbox.pending()] == [2, 3]
    finally:
        await engine.dispose()


async def _kept(sessions) -> list[int]:
    """The inbox's rows as stored (`pending` ignores what the ledger has, and sweeps it)."""
    async with sessions() as session:
        found = await session.execute(select(UpdateInboxRow.update_id).order_by("update_id"))
        return list(found.scalars())


async def test_a_changed_updates_copy_leaves_with_the_ledgers_next_batch(
    db_url, clock, uow_factory, monkeypatch
):
    """Issue 18.10, third round: the claim does not delete the inbox copy (one statement less
    per changing update); the next notes written take it along, or the ledger's own flush
    DROP_SECONDS later when no note comes."""
    monkeypatch.setattr(updates, "DROP_SECONDS", 0.1)
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    inbox = SqlUpdateInbox(sessions, clock)
    ledger = UpdateLedger(uow_factory, clock)
    try:
        await inbox.save([_update(1), _update(2), _update(3)], ledger)
        for update_id in (1, 2):  # changes: recorded with them
            async with uow_factory() as uow:
                await uow.updates.claim(update_id, clock.now())
                await uow.commit()
            ledger.applied(update_id)
        assert await _kept(sessions) == [1, 2, 3], "kept until the ledger's next batch"
        await inbox.save([_update(4)], ledger)  # nothing noted: the drops wait
        assert await _kept(sessions) == [1, 2, 3, 4]
        ledger.note(3)  # read-only
        await inbox.save([_update(5)], ledger)  # the notes' DELETE takes the drops along
        assert await _kept(sessions) == [4, 5]
        assert ledger.unwritten() == ([], [])
        async with uow_factory() as uow:
            await uow.updates.claim(4, clock.now())
            await uow.commit()
        ledger.applied(4)
        await asyncio.sleep(0.3)  # no note came: the ledger drops it on its own
        assert await _kept(sessions) == [5]
        async with uow_factory() as uow:  # a dead process's leftover: recorded, still kept
            await uow.updates.claim(5, clock.now())
            await uow.commit()
        assert [u["update_id"] for u in await inbox.pending()] == []
        assert await _kept(sessions) == [], "swept when a process starts"
        await ledger.close()
    finally:
        await engine.dispose()


async def test_the_write_lock_is_taken_at_once_when_free_and_handed_on_in_order():
    lock = sqlite_inline.WriteLock()
    assert lock.try_acquire() and lock.locked()
    assert not lock.try_acquire()
    order: list[int] = []

    async def waiter(n: int) -> None:
        await lock.acquire()
        order.append(n)
        await asyncio.sleep(0)
        lock.release()

    tasks = [asyncio.create_task(waiter(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0.01)
    assert not lock.try_acquire(), "held, and others wait"
    lock.release()
    await asyncio.gather(*tasks)
    assert order == [1, 2, 3]
    assert not lock.locked()


async def test_a_waiter_that_gives_up_does_not_keep_the_lock():
    lock = sqlite_inline.WriteLock()
    assert lock.try_acquire()
    quitter = asyncio.create_task(lock.acquire())
    after = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0.01)
    lock.release()  # handed to the quitter, who is cancelled before it runs
    quitter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await quitter
    await asyncio.wait_for(after, 1)  # handed on
    assert lock.locked()
    lock.release()
    assert not lock.locked()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            assert lock.try_acquire()
            await lock.acquire()  # held by ourselves: times out, and leaves no waiter behind
    lock.release()
    assert lock.try_acquire()
