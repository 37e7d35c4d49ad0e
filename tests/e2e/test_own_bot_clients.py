"""A client of an organization with its own bot is written to through that bot (issue 23,
item 1; docs/own-bot.md, Routing): the invitation opens a chat with the organization's bot;
once the client has written there, every message the organization sends them (a staff
member's text or photo through the shared bot, a job's rating question) goes through it, and
nothing reaches their chat with the shared bot or another organization's bot. A client who
blocks the own bot is written to through the shared bot from then on."""

from __future__ import annotations

import asyncio

from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import create_org
from tests.e2e.test_client_link import INVITE_RU, _invite, _order, _team
from tests.e2e.test_client_talk import PNG, done_and_paid
from tests.e2e.test_own_bot_routing import TOKEN_A, TOKEN_B, _connect, _served


async def _write_to_client(olga, card, text: str) -> None:
    await olga.tap("✉️ Написать клиенту", message=card)
    await olga.reply()  # type it now
    await olga.send(text)
    assert "Отправлено клиенту" in (await olga.reply()).text


async def test_a_client_of_an_organization_with_its_own_bot_hears_from_it_alone(admin_crm):
    crm = admin_crm
    own_a = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    own_b = crm.server.add_bot(TelegramEmulator(TOKEN_B, bot_username="green_garden_bot"))
    olga, ivan = await _team(crm, (7601, 7602))
    card, _ = await _order(olga, ivan)
    await _connect(crm, olga, TOKEN_A, "clean_house_bot")
    vera = crm.emulator.user(7604, "Вера", language_code="ru")
    await create_org(vera, "Зелёный сад")
    await _connect(crm, vera, TOKEN_B, "green_garden_bot")
    await _served(crm, 2)

    # The invitation names the organization's own bot; the client opens it there.
    bot, token, _ = await _invite(olga, INVITE_RU, card)
    assert bot == "clean_house_bot"
    petr = own_a.user(7603, "Пётр", language_code="ru")
    petr_shared = crm.emulator.user(7603, "Пётр", language_code="ru")
    petr_b = own_b.user(7603, "Пётр", language_code="ru")
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    assert "Чистый дом" in welcome.text
    await petr.tap(welcome.labels[0], message=welcome)
    await petr.wait_edit(welcome.message_id)

    # A staff member's text and photo, typed in the shared bot, reach the client's chat
    # with the organization's bot; the photo's file id is the shared bot's: its bytes go.
    await _write_to_client(olga, card, "Мастер будет в 10:00")
    assert (await petr.reply()).text == "Чистый дом: Мастер будет в 10:00"
    await olga.tap("✉️ Написать клиенту", message=card)
    await olga.reply()
    await olga.send_photo(PNG, caption="Вот такой кран поставим")
    assert "Отправлено клиенту" in (await olga.reply()).text
    photo = await petr.reply()
    assert photo.media == "photo" and "Вот такой кран поставим" in photo.text
    assert not own_a.calls_to("getFile")  # the shared bot's id is never tried elsewhere
    sent = own_a.calls_to("sendPhoto")[-1]["photo"]
    assert sent == f"<file application.octet-stream, {len(PNG)} bytes>"

    # The client's answer through the own bot reaches the staff through the shared bot.
    await petr.send("Хорошо, жду")
    assert "передано" in (await petr.reply()).text
    assert "Хорошо, жду" in (await olga.reply()).text

    # A job's message (the rating question) goes through the own bot too.
    await done_and_paid(crm, 7601, 7602)
    question = await petr.reply(timeout=10)
    assert "Оцените визит" in question.text
    await petr.tap("5 ⭐", message=question)
    await petr.wait_edit(question.message_id)

    # Nothing reached the client's chat with the shared bot or with the other organization's.
    assert not petr_shared.messages() and not petr_b.messages()
    assert not own_b.calls_to("sendMessage") or all(
        c["chat_id"] != 7603 for c in own_b.calls_to("sendMessage")
    )

    # The client blocks the organization's bot: the next message goes through the shared
    # bot (where the client has a chat), and the own bot is not tried for them again.
    await petr_shared.send("/help")
    await petr_shared.reply()
    await petr.block()
    tries = len(own_a.calls_to("sendMessage"))
    await _write_to_client(olga, card, "Перезвоните, пожалуйста")
    assert (await petr_shared.reply()).text == "Чистый дом: Перезвоните, пожалуйста"
    await _write_to_client(olga, card, "Ждём ответа")
    assert (await petr_shared.reply()).text == "Чистый дом: Ждём ответа"
    assert len(own_a.calls_to("sendMessage")) == tries  # blocked: never tried again

    # Unblocked: through the own bot again. Blocked with the news lost on the way (no
    # update): the own bot is refused once, the message goes through the shared bot, and the
    # own bot is not tried for this client again.
    await petr.unblock()
    await _until(lambda: crm.app.fleet.chats.knows(crm.app.fleet.numbers[0], 7603))
    await _write_to_client(olga, card, "Снова здесь")
    assert (await petr.reply()).text == "Чистый дом: Снова здесь"
    petr.chat.blocked = True
    tries = len(own_a.calls_to("sendMessage"))
    await _write_to_client(olga, card, "Алло")
    assert (await petr_shared.reply()).text == "Чистый дом: Алло"
    await _write_to_client(olga, card, "Ещё раз")
    assert (await petr_shared.reply()).text == "Чистый дом: Ещё раз"
    assert len(own_a.calls_to("sendMessage")) == tries + 1  # refused once, then not tried


async def _until(condition) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never came true")
