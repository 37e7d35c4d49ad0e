"""Conversations are held with one bot (issue 23; docs/own-bot.md, Conversations per bot): a
staff member's chats with the shared bot and with their organization's own bot have the same
id, and a dialog begun in one is neither replaced nor continued by what they write in the
other."""

from __future__ import annotations

from tests.e2e.test_own_bot_routing import _owner, org_with_own_bot


async def _new_client(person, name: str, phone: str) -> None:
    await person.send(name)
    await person.reply()
    await person.send(phone)
    await person.reply()
    await person.tap("Пропустить")
    await person.reply()


async def test_a_dialog_in_the_shared_bot_and_one_in_the_own_bot_go_on_apart(admin_crm):
    crm = admin_crm
    own, olga, _ = await org_with_own_bot(crm, 7851, staff=True)
    olga_own = own.user(7851, "Ольга", language_code="ru")

    await olga.send("/newclient")
    asked_name = await olga.reply()
    await olga_own.send("/newclient")  # a second conversation, in the other chat
    assert (await olga_own.reply()).text == asked_name.text
    await olga_own.send("Анна Белова")
    asked_phone = await olga_own.reply()
    assert asked_phone.text != asked_name.text
    # The shared bot's conversation is still at its first question.
    await olga.send("Пётр Сидоров")
    assert (await olga.reply()).text == asked_phone.text

    # /cancel ends the conversation of its own chat only.
    await olga_own.send("/cancel")
    await olga_own.reply()
    await olga.send("+79161234567")
    await olga.reply()
    await olga.tap("Пропустить")
    saved = await olga.reply()
    assert "Пётр Сидоров" in saved.text
    await olga_own.send("+79160000000")  # no conversation there any more: not a client
    await olga_own.reply()
    owner = await _owner(crm, 7851)
    clients = crm.container.services.clients
    assert [c.name for c in await clients.inline(owner, "Сидоров")] == ["Пётр Сидоров"]
    assert await clients.inline(owner, "Белова") == []
