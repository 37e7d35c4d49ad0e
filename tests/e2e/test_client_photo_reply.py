"""Issue 19, item 9 on the real bot: staff answer a client with a photo. The owner taps Reply
under a Telegram client's message and sends a photo with a caption: the client gets that
photo with "<organization>: <caption>" (never the staff member's name), through the outbox;
the history has the message; the conversation is over (the next photo is an order file
again, not a message to the client)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.test_client_talk import PNG, _linked_client


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = e2e_clock()
    local = local_bot(make_settings(db_url, tmp_path), clock=clock, webhook=True)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def test_the_owner_answers_a_telegram_client_with_a_photo(crm):
    olga, _, petr, card = await _linked_client(crm, (7401, 7402, 7403))
    await petr.send("Покажите, пожалуйста, как будет выглядеть")
    await petr.reply()  # passed on
    relayed = await olga.reply()
    await olga.tap("↩️ Ответить", message=relayed)
    assert "Можно отправить и фото" in (await olga.reply()).text  # the prompt says so
    await olga.send_photo(PNG, caption="Вот так, после чистки")
    assert "Отправлено клиенту" in (await olga.reply()).text
    photo = await petr.reply()
    assert photo.media == "photo" and photo.text == "Чистый дом: Вот так, после чистки"
    assert "Ольга" not in photo.text
    # The conversation is over: another photo is a file of the order, nothing to the client.
    seen = len(petr.messages())
    await olga.send_photo(PNG, caption="для себя")
    await olga.reply()
    assert len(petr.messages()) == seen
    await olga.tap("📜 История", message=card)
    history = (await olga.reply()).text
    assert "написал(а) клиенту: «Вот так, после чистки»" in history
