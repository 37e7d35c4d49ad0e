"""One process serves the shared bot and every organization's own bot (issue 23, item 2;
docs/own-bot.md, Routing): two organizations each connect a bot on the emulator; without a
restart the process polls both, each person's updates are answered through the bot they
came through (taps answered by that bot too), nothing reaches another bot's chats, and a
disconnected bot is no longer served."""

from __future__ import annotations

import asyncio

from core.ownbot.routing import bot_of
from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import create_org, next_with

TOKEN_A = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
TOKEN_B = "876543210:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2"


async def _connect(crm, owner, token: str, username: str) -> None:
    await owner.send(f"/ownbot {token}")
    await owner.reply()
    await next_with(owner, f"@{username}")


async def _served(crm, count: int) -> list[int]:
    fleet = crm.app.fleet
    for _ in range(100):  # the fleet looks every 2 s on SQLite, at once on PostgreSQL
        if len(fleet.numbers) == count:
            return fleet.numbers
        await asyncio.sleep(0.1)
    raise AssertionError(f"served {fleet.numbers}, not {count} bots")


async def disconnect(owner) -> None:
    """The owner disconnects the organization's bot (/ownbot, Disconnect, Yes)."""
    await owner.send("/ownbot")
    status = await owner.reply()
    await owner.tap("🔌 Отключить", message=status)
    await owner.wait_edit(status.message_id)
    await owner.tap("🔌 Да, отключить", message=status)
    await owner.wait_edit(status.message_id)


async def staff_use_on(crm, owner, number: int) -> None:
    """The owner lets staff use the organization's bot too (/ownbot's button); the running
    process picks it up without a restart."""
    await owner.send("/ownbot")
    status = await owner.reply()
    await owner.tap("👥 Сотрудники тоже через него", message=status)
    await owner.wait_edit(status.message_id)
    for _ in range(50):
        if crm.app.fleet.spec(number).serves_staff:
            break
        await asyncio.sleep(0.1)


async def org_with_own_bot(crm, owner_id: int, staff: bool = False):
    """«Чистый дом» (owner Ольга, `owner_id`) with @clean_house_bot connected and served, its
    staff using it too when `staff`: (the bot's emulator, Ольга, the bot's number)."""
    own = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    olga = crm.emulator.user(owner_id, "Ольга", language_code="ru")
    await create_org(olga)
    await _connect(crm, olga, TOKEN_A, "clean_house_bot")
    (number,) = await _served(crm, 1)
    if staff:
        await staff_use_on(crm, olga, number)
    return own, olga, number


async def two_organizations(crm, owners: tuple[int, int]):
    """«Чистый дом» (owner Ольга) on @clean_house_bot and «Зелёный сад» (owner Вера) on
    @green_garden_bot, both served: (the two bots' emulators, Ольга, their numbers)."""
    own_a = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    own_b = crm.server.add_bot(TelegramEmulator(TOKEN_B, bot_username="green_garden_bot"))
    olga = crm.emulator.user(owners[0], "Ольга", language_code="ru")
    await create_org(olga)
    await _connect(crm, olga, TOKEN_A, "clean_house_bot")
    vera = crm.emulator.user(owners[1], "Вера", language_code="ru")
    await create_org(vera, "Зелёный сад")
    await _connect(crm, vera, TOKEN_B, "green_garden_bot")
    return (own_a, own_b), olga, await _served(crm, 2)


async def test_two_organizations_on_their_own_bots_and_the_shared_bot(admin_crm):
    crm = admin_crm
    (own_a, own_b), olga, numbers = await two_organizations(crm, (7931, 7932))
    assert len(set(numbers)) == 2 and 0 not in numbers

    # The same person writes to both bots and to the shared one: three chats, each bot
    # answering as itself (an organization's bot takes a stranger as its client).
    anna_a = own_a.user(8001, "Anna", language_code="en")
    anna_b = own_b.user(8001, "Anna", language_code="en")
    anna_shared = crm.emulator.user(8001, "Anna", language_code="en")
    await anna_a.send("/start")
    welcome_a = await anna_a.reply()
    assert "Чистый дом" in welcome_a.text and "Зелёный сад" not in welcome_a.text
    assert not anna_b.messages() and not anna_shared.messages()
    await anna_a.tap(welcome_a.labels[0], message=welcome_a)  # yes, order updates here
    await anna_a.wait_edit(welcome_a.message_id)
    await anna_b.send("/help")
    help_b = await anna_b.reply()
    assert "Зелёный сад" in help_b.text and "Чистый дом" not in help_b.text
    assert not anna_shared.messages()
    await anna_shared.send("/help")
    help_shared = await anna_shared.reply()
    assert "Чистый дом, Зелёный сад" in help_shared.text  # a client of both: the shared bot

    # Each bot's messages are in its own chat only; the tap was answered by the bot tapped.
    assert len(anna_a.messages()) == len(anna_b.messages()) == len(anna_shared.messages()) == 1
    assert len(own_a.calls_to("answerCallbackQuery")) == 1
    assert not own_b.calls_to("answerCallbackQuery")

    # The updates were keyed by their bot: the ledger holds each under its bot's number.
    ledger = await _ledger_bots(crm)
    assert {bot_of(key) for key in ledger} >= {0, *numbers}

    # Disconnected: the process stops serving the bot, without a restart.
    await disconnect(olga)
    await _served(crm, 1)
    before = len(anna_a.messages())
    await anna_a.send("/help")
    await asyncio.sleep(1.0)
    assert len(anna_a.messages()) == before
    await anna_b.send("/help")
    assert "Зелёный сад" in (await anna_b.reply()).text


async def _ledger_bots(crm) -> list[int]:
    from sqlalchemy import select

    from storage.db import session_factory
    from storage.tables import ProcessedUpdateRow

    async with session_factory(crm.container.engine)() as session:
        return list((await session.execute(select(ProcessedUpdateRow.update_id))).scalars())


async def test_staff_on_a_client_bot_and_a_revoked_token_falls_back_to_the_shared_bot(
    admin_crm,
):
    from core.runtime.outbox import Delivery, Method

    crm = admin_crm
    own_a, olga, number = await org_with_own_bot(crm, 7941)

    # The owner is staff: the bot is for clients only until she lets staff use it too.
    olga_a = own_a.user(7941, "Ольга", language_code="ru")
    await olga_a.send("/orders")
    refused = await olga_a.reply()
    assert refused.text == "Это бот компании для её клиентов. Сотрудники работают в @astracrm_bot."
    owner = await _owner(crm, 7941)
    await crm.container.services.clients.create(owner, "Пётр Сидоров", "+79161234567")
    assert await olga_a.inline_query("Пётр") == []  # no search through a clients' bot
    assert len(await olga.inline_query("Пётр")) == 1  # in the shared bot, as always
    await staff_use_on(crm, olga, number)
    await olga_a.send("/orders")
    assert "бот компании для её клиентов" not in (await olga_a.reply()).text
    assert len(await olga_a.inline_query("Пётр")) == 1

    # Revoked at @BotFather: a message queued for the bot goes through the shared bot, the
    # bot is no longer served, and the owner is told once.
    anna_a = own_a.user(8011, "Anna", language_code="en")
    anna_shared = crm.emulator.user(8011, "Anna", language_code="en")
    await anna_a.send("/start")  # a client of the organization now
    await anna_a.reply()
    await anna_shared.send("/help")  # she has a chat with the shared bot too
    await anna_shared.reply()
    crm.server.bots.revoke(TOKEN_A)
    note = Delivery(8011, Method.SEND, {"text": "Your visit is tomorrow"}, bot=number)
    await crm.app.sender.send_now([note])
    assert (await anna_shared.reply()).text == "Your visit is tomorrow"
    told = await next_with(olga, "не принял")
    assert told.text.startswith("⚠️ Telegram не принял токен @clean_house_bot")
    await _served(crm, 0)
    await asyncio.sleep(0.5)
    assert len([m for m in olga.messages() if "не принял" in m.text]) == 1
    owner = await _owner(crm, 7941)
    assert (await crm.container.services.own_bots.status(owner)).state.value == "revoked"


async def _owner(crm, telegram_id: int):
    from core.domain import TelegramProfile

    return await crm.container.services.users.identify(TelegramProfile(telegram_id, "x"))
