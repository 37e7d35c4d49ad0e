"""A file id is one bot's (issue 23, item 4; docs/own-bot.md, Files): a worker sends a photo
through the organization's own bot, and "📎 Files" through the shared bot sends it uploaded
from object storage, never by the own bot's id (Telegram, as the emulator, refuses another
bot's file id); the kept id is the shared bot's and an own bot's send never overwrites it."""

from __future__ import annotations

import asyncio

from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import next_with, started_order
from tests.e2e.test_files import png
from tests.e2e.test_own_bot_routing import TOKEN_A, _served, staff_use_on

CLIENT = ("+7 916 111 22 33", "Анна", "Москва, Тверская, 1")


async def _files(person) -> None:
    await person.send("/order 1")
    card = await person.reply()
    await person.tap(next(label for label in card.labels if label.startswith("📎")), message=card)


async def _kept(crm) -> tuple[str | None, int]:
    from sqlalchemy import select

    from storage.db import session_factory
    from storage.tables import AttachmentRow

    async with session_factory(crm.container.engine)() as session:
        rows = (await session.execute(select(AttachmentRow))).scalars().all()
    assert len(rows) == 1
    return rows[0].telegram_file_id, rows[0].telegram_file_bot


async def _kept_when(crm, done) -> tuple[str | None, int]:
    """The kept id once the handler that sent the file has written it (after the send)."""
    for _ in range(50):
        kept = await _kept(crm)
        if done(kept):
            return kept
        await asyncio.sleep(0.1)
    return kept


async def _staff_on_own_bot(crm, ids: tuple[int, int]):
    """A started order for the worker, the organization's own bot connected and staff let use
    it: (its emulator, the worker in the shared bot, its number)."""
    own = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    olga, ivan, _card = await started_order(crm, ids, CLIENT)
    await olga.send(f"/ownbot {TOKEN_A}")
    await olga.reply()
    await next_with(olga, "@clean_house_bot")
    (number,) = await _served(crm, 1)
    await staff_use_on(crm, olga, number)
    return own, ivan, number


async def test_a_photo_through_the_own_bot_goes_back_through_the_shared_bot(admin_crm):
    crm = admin_crm
    own, ivan, number = await _staff_on_own_bot(crm, (7951, 7952))

    # The worker sends a photo to his started order through the own bot.
    ivan_own = own.user(7952, "Ivan", language_code="en")
    await ivan_own.send_photo(png(1), caption="before")
    assert "now 1 photo" in (await ivan_own.reply()).text
    own_id, bot = await _kept(crm)
    assert bot == number and own_id is not None and own_id in own.state.files
    assert own_id not in crm.emulator.state.files

    # Through the shared bot: uploaded once, the own bot's id never tried (no refusal).
    await _files(ivan)
    photo = await ivan.reply()
    assert photo.media == "photo" and photo.text == "before"
    sent = crm.emulator.calls_to("sendPhoto")
    assert len(sent) == 1 and sent[0].get("photo") != own_id
    shared_id, bot = await _kept_when(crm, lambda kept: kept[1] == 0)
    assert bot == 0 and shared_id == photo.file_ids[-1] and shared_id in crm.emulator.state.files

    # Through the own bot: its own id is gone, so it uploads; the shared bot's id stays kept.
    await _files(ivan_own)
    again = await ivan_own.reply()
    assert again.media == "photo" and again.text == "before"
    own_sent = own.calls_to("sendPhoto")
    assert len(own_sent) == 1 and own_sent[0].get("photo") != shared_id
    assert await _kept(crm) == (shared_id, 0)

    # The shared bot again: by its kept id at once, one call.
    await _files(ivan)
    assert (await ivan.reply()).media == "photo"
    sent = crm.emulator.calls_to("sendPhoto")
    assert len(sent) == 2 and sent[1]["photo"] == shared_id
    assert await _kept(crm) == (shared_id, 0)


async def test_an_album_through_the_own_bot_is_acknowledged_there(admin_crm):
    crm = admin_crm
    own, ivan, _ = await _staff_on_own_bot(crm, (7961, 7962))
    ivan_own = own.user(7962, "Ivan", language_code="en")
    seen = len(ivan.messages())
    await ivan_own.send_album([png(1), png(2)], caption="before")
    assert "now 2 photos" in (await ivan_own.reply(timeout=10)).text
    assert len(ivan.messages()) == seen  # nothing in his chat with the shared bot
