"""Read-only updates are noted and written in batches; arrival checks the ledger and
identifies the sender in one unit of work. On both databases."""

import asyncio

from core.runtime.updates import UpdateLedger
from core.team.users import UserService
from tests.support import profile


async def _recorded(uow_factory, update_ids) -> set[int]:
    async with uow_factory() as uow:
        return {u for u in update_ids if await uow.updates.seen(u)}


async def test_noted_updates_are_known_at_once_and_written_together(uow_factory, clock):
    ledger = UpdateLedger(uow_factory, clock)
    for update_id in (11, 12, 13):
        ledger.note(update_id)
    assert ledger.noted(12) and await ledger.seen(12)
    assert await _recorded(uow_factory, (11, 12, 13)) == set(), "not written yet"
    await asyncio.sleep(0.2)
    assert await _recorded(uow_factory, (11, 12, 13)) == {11, 12, 13}
    assert not ledger.noted(12) and await ledger.seen(12)


async def test_closing_writes_what_was_noted_and_duplicates_are_ignored(uow_factory, clock):
    earlier = UpdateLedger(uow_factory, clock)  # another process
    earlier.note(21)
    await earlier.flush()
    ledger = UpdateLedger(uow_factory, clock)
    ledger.note(21)  # a redelivery raced: already recorded, nothing breaks
    ledger.note(22)
    await ledger.close()
    assert await _recorded(uow_factory, (21, 22)) == {21, 22}


async def test_a_failed_write_keeps_the_notes_for_the_next_flush(uow_factory, clock):
    broken = UpdateLedger(lambda: 1 / 0, clock)  # type: ignore[arg-type, return-value]
    broken.note(31)
    await broken.flush()
    assert broken.noted(31)


async def test_arrival_identifies_the_sender_unless_the_update_was_applied(uow_factory, clock):
    users = UserService(uow_factory, clock)
    person = profile()
    first = await users.arrive(41, person)
    assert not first.seen and first.actor is not None
    assert first.actor.user.telegram_id == person.telegram_id
    ledger = UpdateLedger(uow_factory, clock)
    ledger.note(41)
    await ledger.flush()
    again = await users.arrive(41, person)
    assert again.seen and again.actor is None
    assert (await users.arrive(42, None)).actor is None
