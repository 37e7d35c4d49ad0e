"""A client's photo through the organization's own bot reaches the staff through the shared
bot (issue 23, item 4): its file id is the own bot's alone, so the relay job fetches the bytes
through the own bot and uploads them once; a foreign file id is never sent."""

from __future__ import annotations

from sandbox.emulator import TelegramEmulator
from tests.e2e.test_client_link import INVITE_RU, _invite, _order, _team
from tests.e2e.test_client_talk import PNG
from tests.e2e.test_own_bot_routing import TOKEN_A, _connect, _served


async def test_a_clients_photo_through_the_own_bot_reaches_the_staff(admin_crm):
    crm = admin_crm
    own = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    olga, ivan = await _team(crm, (7501, 7502))
    card, _ = await _order(olga, ivan)
    _, token, _ = await _invite(olga, INVITE_RU, card)
    await _connect(crm, olga, TOKEN_A, "clean_house_bot")
    await _served(crm, 1)
    petr = own.user(7503, "Пётр", language_code="ru")
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    await petr.tap(welcome.labels[0], message=welcome)
    await petr.wait_edit(welcome.message_id)

    message = await petr.send_photo(PNG, caption="Вот здесь протекает")
    foreign = message["photo"][-1]["file_id"]  # the own bot's id of the client's photo
    assert "передано" in (await petr.reply()).text
    photo = await olga.reply()
    assert photo.media == "photo" and "Вот здесь протекает" in photo.text
    assert photo.labels == ["↩️ Ответить"]
    assert len(own.calls_to("getFile")) == 1  # fetched through the bot it came through
    relayed = crm.emulator.calls_to("sendPhoto")[-1]["photo"]
    assert relayed != foreign  # never the own bot's id: the client's bytes, uploaded
    assert relayed == f"<file application.octet-stream, {len(PNG)} bytes>"
