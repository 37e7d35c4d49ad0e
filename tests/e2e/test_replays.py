"""Updates applied again after a restart (found by tests/e2e/test_kill_many.py).

A process killed after it answered a tapped button and before it committed the tap leaves the
tap in the update inbox (or Telegram redelivers it to the webhook); the restarted process
applies it, and Telegram refuses a second answer to the same query ("query is too old ... or
query ID is invalid"). That refusal failed the whole update: the tap was lost and the person
got "something went wrong". And a redelivered update that had been applied was stored in the
inbox again and stayed there for good (the ledger skipped it; nothing deleted the copy)."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from core.runtime.updates import DROP_SECONDS
from storage.db import create_engine
from storage.tables import UpdateInboxRow
from tests.e2e.conftest import local_bot, make_settings


async def test_a_tap_whose_query_was_answered_already_is_still_applied(crm):
    olga = crm.emulator.user(2690, "Ольга", language_code="ru")
    await olga.send("/start")
    prompt = await olga.reply()
    await olga.tap(next(label for label in prompt.labels if label.endswith("Русский")))
    # Answered by the process that died, before this one reads the tap (nothing has awaited
    # since the tap was queued, so the bot has not fetched it yet).
    [query] = [q for q, answer in crm.emulator.state.callback_answers.items() if answer is None]
    crm.emulator.state.callback_answers[query] = {"text": None, "show_alert": False, "url": None}
    age = await olga.reply()
    assert "16" in age.text, age.text
    await olga.tap(age.labels[0])
    assert "конфиденциальность" in (await olga.reply()).text


async def _inbox_rows(engine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).select_from(UpdateInboxRow.__table__)
        return int((await connection.execute(query)).scalar_one())


async def test_a_redelivered_update_leaves_no_copy_in_the_inbox(db_url, tmp_path):
    local = local_bot(make_settings(db_url, tmp_path), webhook=True)
    engine = create_engine(db_url)
    await local.start()
    try:
        olga = local.emulator.user(2691, "Ольга", language_code="ru")
        message = await olga.send("/help")
        update = {"update_id": local.emulator.state.next_update_id - 1, "message": message}
        assert "Что я умею" in (await olga.reply()).text
        (hook,) = local.emulator.calls_to("setWebhook")
        secret = {"X-Telegram-Bot-Api-Secret-Token": hook["secret_token"]}
        async with httpx.AsyncClient() as web:  # Telegram again, as after a restart
            assert (await web.post(hook["url"], json=update, headers=secret)).status_code == 200
        # An applied update's inbox copy goes with the ledger's next batch of notes, or
        # DROP_SECONDS later when none comes (core/runtime/updates.py): wait for that, a
        # little longer on a loaded machine, and never forever.
        for _ in range(int((DROP_SECONDS + 10) / 0.1)):
            if not await _inbox_rows(engine):
                break
            await asyncio.sleep(0.1)
        assert await _inbox_rows(engine) == 0, "the redelivered copy stayed in the inbox"
        assert len(olga.messages()) == 1, "the redelivery was not applied again"
    finally:
        await local.stop()
        await engine.dispose()
