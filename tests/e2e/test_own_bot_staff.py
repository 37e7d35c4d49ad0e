"""Staff working in their organization's own bot (issue 23; docs/own-bot.md, Routing): a card
opened there is remembered with the bot that sent it, so a change made elsewhere edits it
through that bot (message ids count per chat of each bot), while the same person's card in
the shared bot is edited through the shared bot; a tapped card in the own bot is edited
there too. A staff member who works in the own bot gets the notices of others' changes there;
what they write to the shared bot is still answered in the shared bot."""

from __future__ import annotations

from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import create_org, invite_link, next_with, until_shown
from tests.e2e.test_client_link import INVITE_RU, _invite, _order, _team
from tests.e2e.test_own_bot_routing import TOKEN_A, _connect, _served, disconnect, staff_use_on


async def test_a_card_in_the_own_bot_is_edited_through_it(admin_crm):
    crm = admin_crm
    own = crm.server.add_bot(TelegramEmulator(TOKEN_A, bot_username="clean_house_bot"))
    olga, ivan = await _team(crm, (7801, 7802))
    card, ivans = await _order(olga, ivan)
    await _connect(crm, olga, TOKEN_A, "clean_house_bot")
    (number,) = await _served(crm, 1)
    await staff_use_on(crm, olga, number)

    olga_own = own.user(7801, "Ольга", language_code="ru")
    await olga_own.send("/order 1")
    own_card = await olga_own.reply()
    assert "№1" in own_card.text
    # The same message id may exist in both chats: each card is edited by its own bot.
    shared_before = len(crm.emulator.calls_to("editMessageText"))
    await ivan.tap("▶️ Start", message=ivans)
    await ivan.tap("▶️ Yes, start now", message=await ivan.reply())
    await until_shown(olga_own, own_card.message_id, "В работе")
    await until_shown(olga, card.message_id, "В работе")
    to_olga = [
        c["message_id"] for c in crm.emulator.calls_to("editMessageText")[shared_before:]
        if c["chat_id"] == 7801
    ]  # fmt: skip
    assert set(to_olga) == {card.message_id}  # her shared chat's card only
    edited_own = {c["message_id"] for c in own.calls_to("editMessageText")}
    assert own_card.message_id in edited_own

    # A tap on the card in the own bot: edited there, not in the shared chat.
    before = len(crm.emulator.calls_to("editMessageText"))
    await olga_own.tap("📜 История", message=own_card)
    history = await olga_own.reply()
    assert "История" in history.text or "№1" in history.text
    assert len(crm.emulator.calls_to("editMessageText")) == before

    # A client invited from the card in the own bot opens it there; what the client writes
    # reaches her in the own bot, and her answer there goes to the client and takes the
    # Reply button off her copy, through the own bot.
    _, token, _ = await _invite(olga_own, INVITE_RU, own_card)
    petr = own.user(7809, "Пётр", language_code="ru")
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    await petr.tap(welcome.labels[0], message=welcome)
    await petr.wait_edit(welcome.message_id)
    shared_before = len(olga.messages())
    await petr.send("Когда приедете?")
    await petr.reply()  # passed on
    relayed = await next_with(olga_own, "Когда приедете?")
    assert relayed.labels == ["↩️ Ответить"] and len(olga.messages()) == shared_before
    await olga_own.tap("↩️ Ответить", message=relayed)
    await olga_own.reply()
    await olga_own.send("Завтра в 10:00")
    assert "Отправлено клиенту" in (await olga_own.reply()).text
    assert (await petr.reply()).text == "Чистый дом: Завтра в 10:00"
    assert (await olga_own.wait_edit(relayed.message_id)).labels == []

    # Another's change: the owner's notice comes to the bot she works in, not the shared one.
    shared_seen = len(olga.messages())
    await ivan.tap("➕ Add line", message=ivans)
    await ivan.reply()
    await ivan.send("replace tap, 1 x 1500")
    assert "Saved: order №1" in (await ivan.reply()).text
    notice = await olga_own.reply()
    assert "добавил(а) строку" in notice.text
    await olga.send("/help")
    assert (await olga.reply()).text  # answered where asked
    assert len(olga.messages()) == shared_seen + 1

    # She joins a second organization: nothing goes through one organization's bot to a
    # person who works for another too, so her notices come to the shared bot again.
    vera = crm.emulator.user(7803, "Вера", language_code="ru")
    await create_org(vera, "Зелёный сад")
    token = await invite_link(vera, "Менеджер")
    await olga.send(f"/start {token}")
    assert "Зелёный сад" in (await olga.reply()).text
    await vera.reply()
    own_seen = len(olga_own.messages())
    await ivan.tap("➕ Add line", message=ivans)
    await ivan.reply()
    await ivan.send("filter, 1 x 500")
    assert "Saved: order №1" in (await ivan.reply()).text
    assert "добавил(а) строку" in (await next_with(olga, "добавил(а) строку")).text
    assert len(olga_own.messages()) == own_seen

    # Disconnected: the card the own bot showed cannot change (its id names nothing in the
    # shared chat), and nothing is edited in her shared chat by that id.
    await olga.send("/org")
    await olga.tap("Чистый дом", message=await olga.reply())
    await olga.reply()
    await disconnect(olga)
    await _served(crm, 0)
    edits_before = len(crm.emulator.calls_to("editMessageText"))
    await ivan.tap("✅ Done", message=ivans)
    await ivan.reply()
    await until_shown(olga, card.message_id, "Выполнен")
    later = crm.emulator.calls_to("editMessageText")[edits_before:]
    edited = {c["message_id"] for c in later if c["chat_id"] == 7801}
    shown = {m.message_id: m.text for m in olga.messages()}
    assert card.message_id in edited
    assert all("№1" in shown[i] for i in edited)  # her shared chat's copies of the card only
