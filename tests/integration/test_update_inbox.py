"""The update inbox on both databases: a batch is stored once, what the ledger records is no
longer returned (and leaves it with the ledger's next batch, tests/integration/
test_inbox_notes.py), and what is left comes back in order."""

from __future__ import annotations

from storage.db import create_engine, session_factory
from storage.runtime.inbox import SqlUpdateInbox


def _update(update_id: int, text: str = "/help") -> dict:
    chat = {"id": 77, "type": "private"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat,
            "text": text}}  # fmt: skip


async def test_stored_once_left_in_order_and_gone_with_the_ledger_record(
    db_url, clock, uow_factory
):
    engine = create_engine(db_url)
    inbox = SqlUpdateInbox(session_factory(engine), clock)
    try:
        await inbox.save([_update(3), _update(1), _update(2)])
        await inbox.save([_update(2, "again"), _update(4)])  # a repeated getUpdates batch
        assert [u["update_id"] for u in await inbox.pending()] == [1, 2, 3, 4]
        assert (await inbox.pending())[1]["message"]["text"] == "/help", "first copy kept"
        async with uow_factory() as uow:
            await uow.updates.claim(2, clock.now())  # a change applied with update 2
            await uow.commit()
        async with uow_factory() as uow:
            await uow.updates.note([1, 4], clock.now())  # read-only updates, written together
            await uow.commit()
        assert [u["update_id"] for u in await inbox.pending()] == [3]
        async with uow_factory() as uow:
            await uow.updates.claim(3, clock.now())
            # rolled back: the update stays in the inbox for the next process
        assert [u["update_id"] for u in await inbox.pending()] == [3]
        await inbox.save([])
    finally:
        await engine.dispose()
