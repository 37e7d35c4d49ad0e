"""/ownbot through the bot (issue 23, item 1; docs/own-bot.md): an owner pastes the token of a
bot made with @BotFather; the message with the token is deleted, a job asks Telegram (the
emulator, serving the second bot from the same address) and sets the bot's menu and
descriptions in both languages, and the owner is told once. The owner then lets staff use it
and disconnects it; a token Telegram refuses is reported; a bot of another organization is
refused; a worker may not connect one."""

from __future__ import annotations

from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import create_org, invite_link, next_with, onboard

OWN_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
OTHER_TOKEN = "555555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2"


async def test_an_owner_connects_lets_staff_use_and_disconnects_their_own_bot(admin_crm):
    own = admin_crm.server.add_bot(
        TelegramEmulator(OWN_TOKEN, bot_first_name="Чистый дом", bot_username="clean_house_bot")
    )
    olga = admin_crm.emulator.user(7911, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/ownbot")
    assert "Свой бот вашего бизнеса" in (await olga.reply()).text
    sent = await olga.send(f"/ownbot {OWN_TOKEN}")
    checking = await olga.reply()
    assert "Проверяю токен бота 987654321" in checking.text
    assert OWN_TOKEN not in checking.text
    told = await next_with(olga, "clean_house_bot")
    assert "✅ @clean_house_bot подключён" in told.text
    chat = admin_crm.emulator.chat(7911)
    assert chat.messages[int(sent["message_id"])].deleted  # the token left the chat

    texts = own.state.profile_texts
    assert texts[("description", "")].startswith("Чистый дом: запись на визит")
    assert texts[("description", "en")].startswith("Чистый дом: book a visit")
    assert texts[("short_description", "")] == "Чистый дом: заказы, напоминания и оплата"
    menus = {key[1]: [c["command"] for c in cmds] for key, cmds in own.state.commands.items()}
    assert menus == {"": ["start", "stop", "help"], "en": ["start", "stop", "help"]}

    await olga.send("/ownbot")
    status = await olga.reply()
    assert "@clean_house_bot" in status.text and "✅ работает" in status.text
    assert "Сотрудники работают через общий бот." in status.text
    await olga.tap("👥 Сотрудники тоже через него", message=status)
    edited = await olga.wait_edit(status.message_id)
    assert "Сотрудники тоже работают через него." in edited.text
    await olga.tap("🔌 Отключить", message=status)
    asked = await olga.wait_edit(status.message_id)
    assert "Отключить бота?" in asked.text
    await olga.tap("🔌 Да, отключить", message=status)
    gone = await olga.wait_edit(status.message_id)
    assert "@clean_house_bot отключён" in gone.text
    owner = await _actor(admin_crm, 7911)
    assert await admin_crm.container.services.own_bots.status(owner) is None

    await olga.send("/audit")
    audit = await olga.reply()
    assert "подключил(а) свой бот организации (id 987654321)" in audit.text
    assert "отключил(а) свой бот организации (id 987654321)" in audit.text
    assert "изменил(а) работу сотрудников через свой бот организации: выкл. → вкл." in audit.text

    token = await invite_link(olga, "Работник")
    ivan = admin_crm.emulator.user(7912, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send(f"/ownbot {OWN_TOKEN}")
    assert (await ivan.reply()).text == "Your role does not allow this."


async def test_a_refused_token_is_reported_and_a_bot_belongs_to_one_organization(admin_crm):
    admin_crm.server.add_bot(TelegramEmulator(OWN_TOKEN, bot_username="clean_house_bot"))
    olga = admin_crm.emulator.user(7921, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/ownbot 12345:short")
    assert "Это не токен бота" in (await olga.reply()).text
    await olga.send(f"/ownbot {OTHER_TOKEN}")  # no such bot at Telegram: 401
    await olga.reply()
    refused = await next_with(olga, "не принял")
    assert "Telegram не принял токен бота 555555555" in refused.text
    await olga.send(f"/ownbot {OWN_TOKEN}")
    await olga.reply()
    await next_with(olga, "подключён")

    vera = admin_crm.emulator.user(7922, "Vera", language_code="en")
    await onboard(vera, "en")
    await vera.reply()
    await vera.send("Second house")
    await vera.reply()
    await vera.send("Europe/London")
    await vera.reply()
    await vera.tap("EUR")
    await vera.reply()
    await vera.send(f"/ownbot {OWN_TOKEN}")
    assert (await vera.reply()).text == "This bot is already connected to another organization."


async def _actor(crm, telegram_id: int):
    from core.domain import TelegramProfile

    services = crm.container.services
    return await services.users.identify(TelegramProfile(telegram_id, "x"))
