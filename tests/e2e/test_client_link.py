"""Issue 19, linking a client's Telegram: a manager invites a client from the order card or the
client card (the QR code captioned with the link), the client opens it and says yes or no to order
updates, /stop, and a client never reaches staff commands, buttons or anyone's data."""

from __future__ import annotations

import re

import pytest

from core.client_loop.model import Channel
from core.domain import TelegramProfile
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, onboard

LINK = re.compile(r"https://t\.me/(\w+)\?start=(c_[A-Za-z0-9_-]+)")
INVITE_RU = "🔗 Пригласить клиента в Telegram"


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = e2e_clock()
    local = local_bot(make_settings(db_url, tmp_path), clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def _team(crm, ids):
    """An owner (Russian) and a worker (English) in «Чистый дом»."""
    olga = crm.emulator.user(ids[0], "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(ids[1], "Ivan Petrov", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    return olga, ivan


async def _order(olga, ivan):
    """Order №1 for Пётр Сидоров tomorrow at 10:00, assigned to Ivan: (owner's card, Ivan's)."""
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("+7 916 123-45-67")
    await olga.reply()
    await olga.send("Пётр Сидоров")
    await olga.reply()
    await olga.send("Москва, ул. Сухонская, 11")
    for label in ("Уборка", "Завтра", "10:00"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.send("3 500")
    for label in ("Пропустить", "✅ Создать"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    card = await olga.reply()
    await olga.tap("👷 Назначить", message=card)
    workers = await olga.reply()
    await olga.tap(next(lbl for lbl in workers.labels if lbl.startswith("Ivan")))
    ivans = await ivan.reply()
    return await olga.wait_edit(card.message_id), ivans  # the card, now assigned


async def _invite(person, label, message):
    """Tap the invite button: one message, the QR code captioned with the link."""
    before = len(person.messages())
    await person.tap(label, message=message)
    text = await person.reply()
    assert text.media == "photo", text
    match = LINK.search(text.text)
    assert match, text.text
    assert len(person.messages()) == before + 1
    return match.group(1), match.group(2), text


async def _client_link(crm, telegram_id):
    services = crm.container.services
    actor = await services.users.identify(TelegramProfile(telegram_id, "x"))
    return await services.client_loop.client_of(actor.user.id)


async def test_invite_from_the_order_card_and_a_russian_client_consents(crm):
    olga, ivan = await _team(crm, (7101, 7102))
    card, ivans_card = await _order(olga, ivan)
    assert not any("Invite client" in lbl for lbl in ivans_card.labels)  # not for workers

    bot, token, text = await _invite(olga, INVITE_RU, card)
    assert bot == crm.emulator.bot["username"]
    # a week from Wednesday 4 March 09:30 in Moscow, in the organization's zone
    assert "один раз" in text.text and "11 мар" in text.text and "09:30" in text.text

    olga_seen, ivan_seen = len(olga.messages()), len(ivan.messages())
    petr = crm.emulator.user(7103, "Пётр", language_code="ru")
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    assert "Чистый дом" in welcome.text and "Ваш заказ №1" in welcome.text
    assert "Сухонская" in welcome.text and "10:00" in welcome.text and "Уборка" in welcome.text
    assert "Мастер: Ivan" in welcome.text and "Petrov" not in welcome.text
    for secret in ("Ольга", "+7 916", "3 500", "3\xa0500"):
        assert secret not in welcome.text
    assert welcome.labels == ["✅ Да, присылайте новости о заказах", "Нет, спасибо"]
    assert [name for name, _ in petr.commands()] == ["start", "stop", "help"]
    await petr.tap("✅ Да, присылайте новости о заказах", message=welcome)
    answered = await petr.wait_edit(welcome.message_id)
    # then, separately and optional, news and offers (off unless the client says yes)
    assert "Спасибо" in answered.text and "новости и предложения" in answered.text
    assert answered.labels == ["✅ Да, присылайте новости и предложения", "Нет, спасибо"]
    links = await _client_link(crm, 7103)
    (link, org) = links[0]
    assert link.transactional_at is not None and link.marketing_at is None
    await petr.tap("Нет, спасибо", message=answered)
    declined = await petr.wait_edit(welcome.message_id)
    assert "Спасибо, записали" in declined.text and not declined.labels
    assert len(petr.messages()) == 1  # the whole linking: one message, edited twice
    (link, org) = (await _client_link(crm, 7103))[0]
    assert link.marketing_at is None
    channels = crm.container.services.client_loop.channels
    assert await channels(org.id, link.client_id) == (Channel.TELEGRAM,)

    # the same link again: used (by someone else), or the same welcome (by the client)
    anna = crm.emulator.user(7104, "Анна", language_code="ru")
    await anna.send(f"/start {token}")
    assert "уже использована" in (await anna.reply()).text
    # a client never reaches staff commands, buttons or anyone's data
    for command in ("/orders", "/neworder", "/team", "/client Пётр"):
        await petr.send(command)
        answer = await petr.reply()
        assert "присылает вам новости о заказах" in answer.text, answer.text
        assert not answer.labels and "Сухонская" not in answer.text
    for data in ("o:1", "c:1", "oa:1:take", "cio:1:1", "ci:1", "pv:mk:1"):
        petr.forge_callback(welcome.message_id, data)
        assert await petr.callback_answer() == "Эта кнопка не для вас.", data
    petr.forge_callback(welcome.message_id, f"cc:{org.id + 1}:t:1")  # another organization
    assert await petr.callback_answer() == "Этого больше нет."
    await petr.send("/help")
    assert "/stop" in (await petr.reply()).text
    assert len(petr.messages()) == 6  # welcome, four "this chat only sends updates", /help

    await petr.send("/stop")
    stopped = await petr.reply()
    assert "больше не будет присылать" in stopped.text and "/start" in stopped.text
    assert await channels(org.id, link.client_id) == ()
    # nobody on staff heard about any of it
    assert (len(olga.messages()), len(ivan.messages())) == (olga_seen, ivan_seen)

    # once linked, the client card no longer offers the invitation; the order card's button
    # (drawn before) answers that the client is linked
    await olga.tap("👤 Клиент", message=card)
    client_card = await olga.reply()
    assert INVITE_RU not in client_card.labels and "🧩 Объединить с дублем" in client_card.labels
    await olga.tap(INVITE_RU, message=card)
    assert await olga.callback_answer() == "Этот клиент уже подключён к Telegram."
    redrawn = await olga.wait_edit(card.message_id)
    assert INVITE_RU not in redrawn.labels and "👤 Клиент" in redrawn.labels


async def test_invite_from_the_client_card_expired_forged_and_an_english_client(crm):
    olga, ivan = await _team(crm, (7111, 7112))
    await _order(olga, ivan)
    await olga.send("/client Пётр")
    found = await olga.reply()
    await olga.tap(next(lbl for lbl in found.labels if "Пётр" in lbl))
    client_card = await olga.reply()
    _, token, _ = await _invite(olga, INVITE_RU, client_card)

    # a staff member of the organization opening it is told it is for the client
    await ivan.send(f"/start {token}")
    assert "meant for your client" in (await ivan.reply()).text

    crm.clock.advance(days=8)
    peter = crm.emulator.user(7113, "Peter", language_code="en")
    await peter.send(f"/start {token}")
    assert "has expired" in (await peter.reply()).text
    await peter.send("/start c_" + "A" * 32)
    assert "is not valid" in (await peter.reply()).text
    assert len(peter.messages()) == 2

    _, fresh, _ = await _invite(olga, INVITE_RU, client_card)
    await peter.send(f"/start {fresh}")
    welcome = await peter.reply()
    assert "Hello" in welcome.text and "Чистый дом" in welcome.text
    assert "order №" not in welcome.text  # not bound to an order
    await peter.tap("No, thanks", message=welcome)
    declined = await peter.wait_edit(welcome.message_id)
    assert "no order updates" in declined.text and not declined.labels
    links = await _client_link(crm, 7113)
    (link, org) = links[0]
    channels = crm.container.services.client_loop.channels
    assert await channels(org.id, link.client_id) == ()
    # /start again asks again (the way back after a no or /stop)
    await peter.send("/start")
    again = await peter.reply()
    assert again.labels == ["✅ Yes, send me order updates", "No, thanks"]
    assert len(peter.messages()) == 4
    await peter.tap("✅ Yes, send me order updates", message=again)
    news = await peter.wait_edit(again.message_id)
    assert "news and offers" in news.text
    await peter.tap("✅ Yes, send me news", message=news)
    assert "Thank you, noted." in (await peter.wait_edit(again.message_id)).text
    (link, org) = (await _client_link(crm, 7113))[0]
    assert link.transactional_at is not None and link.marketing_at is not None
    assert len(peter.messages()) == 4
