"""Someone who writes to an organization's own bot is its client (issue 23; docs/own-bot.md,
Walk-in clients): a stranger is never walked through making an organization there. Their
first message gets one answer (the business's welcome, "passed on", the consent question),
the staff get the message with a Reply button, and their answer reaches the stranger through
the bot once they said yes; a client card of their Telegram name is made. On a bot the staff
use too, a staff invitation opened there is still onboarding."""

from __future__ import annotations

import asyncio

from core.domain import TelegramProfile
from tests.e2e.scenario import invite_link, next_with, onboard
from tests.e2e.test_own_bot_routing import _owner, org_with_own_bot

QUESTION = "Hello, can you clean my windows on Friday?"


async def test_a_stranger_writing_to_the_own_bot_becomes_its_client(admin_crm):
    crm = admin_crm
    own, olga, _ = await org_with_own_bot(crm, 8100)
    seen = len(olga.messages())

    jane = own.user(8101, "Jane", last_name="Doe", language_code="en")
    await jane.send(QUESTION)
    welcome = await jane.reply()
    assert "This is the Telegram chat of Чистый дом" in welcome.text
    assert "Your message was passed on" in welcome.text
    assert "May we send you order updates here" in welcome.text
    assert welcome.labels == ["✅ Yes, send me order updates", "No, thanks"]
    notice = await next_with(olga, QUESTION)
    assert "Jane Doe" in notice.text and notice.labels == ["↩️ Ответить"]
    await asyncio.sleep(0.3)
    assert len(jane.messages()) == 1 and len(olga.messages()) == seen + 1

    await jane.tap("✅ Yes, send me order updates", message=welcome)
    await jane.wait_edit(welcome.message_id)
    await olga.tap("↩️ Ответить", message=notice)
    await olga.reply()
    await olga.send("Да, в пятницу в 10:00")
    assert "Отправлено клиенту" in (await olga.reply()).text
    assert (await jane.reply()).text == "Чистый дом: Да, в пятницу в 10:00"
    assert not crm.emulator.user(8101, "Jane").messages()  # nothing through the shared bot

    owner = await _owner(crm, 8100)
    clients = crm.container.services.clients
    assert [c.name for c in await clients.inline(owner, "Jane")] == ["Jane Doe"]
    jane_actor = await crm.container.services.users.identify(TelegramProfile(8101, "Jane"))
    assert jane_actor is not None and jane_actor.membership is None  # no organization made

    # A stranger's /start: the welcome and what to write; the staff hear nothing yet.
    petr = own.user(8102, "Пётр", language_code="ru")
    before = len(olga.messages())
    await petr.send("/start")
    hello = await petr.reply()
    assert "Напишите здесь, что вам нужно" in hello.text and "Чистый дом" in hello.text
    await petr.send("Сколько стоит мойка окон?")
    assert "передано" in (await petr.reply()).text
    relayed = await next_with(olga, "Сколько стоит мойка окон?")
    assert "Пётр" in relayed.text and len(olga.messages()) == before + 1


async def test_a_staff_invitation_opened_in_the_own_bot_is_still_onboarding(admin_crm):
    crm = admin_crm
    own, _, _ = await org_with_own_bot(crm, 8110, staff=True)
    olga_own = own.user(8110, "Ольга", language_code="ru")
    token = await invite_link(olga_own, "Работник")  # made in the own bot: a link to it
    ivan = own.user(8111, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    welcome = await ivan.reply()
    assert welcome.text.startswith("You joined Чистый дом (role: worker)")

    # A stranger on the same bot is still its client.
    anna = own.user(8112, "Anna", language_code="en")
    await anna.send("/start")
    assert "This is the Telegram chat of Чистый дом" in (await anna.reply()).text
