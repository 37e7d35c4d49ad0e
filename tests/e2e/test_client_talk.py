"""Issue 19, items 8 and 9 on the real bot: a linked client's text and photo reach the owner
with a Reply button, the reply reaches the client signed by the organization (never the
staff member's name), "Message client" on the order card, a forged Reply from a worker who
does not hold the order sends nothing, a redelivered update is not relayed twice, an answer
removes the Reply button from every staff copy; the rating question in Telegram (Russian and
English), a low rating alerting the owner, never twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest

from core.domain import TelegramProfile
from core.orders.rules import OrderAction
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import invite_link, onboard
from tests.e2e.test_client_link import INVITE_RU, _invite, _order, _team
from tests.e2e.test_client_payment import payments_only

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = e2e_clock()
    local = local_bot(make_settings(db_url, tmp_path), clock=clock, webhook=True)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def _linked_client(crm, ids, language="ru"):
    """Olga's team, order №1 for Пётр assigned to Ivan, the client linked with consent."""
    olga, ivan = await _team(crm, ids[:2])
    card, _ = await _order(olga, ivan)
    _, token, _ = await _invite(olga, INVITE_RU, card)
    petr = crm.emulator.user(ids[2], "Пётр", language_code=language)
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    await petr.tap(welcome.labels[0], message=welcome)
    await petr.wait_edit(welcome.message_id)
    return olga, ivan, petr, card


async def test_a_clients_text_and_photo_reach_the_owner_and_the_reply_comes_back(crm):
    olga, ivan, petr, card = await _linked_client(crm, (7301, 7302, 7303))
    ivan_seen = len(ivan.messages())
    sent = await petr.send("Когда приедете?")
    ack = await petr.reply()
    assert "передано" in ack.text
    relayed = await olga.reply()
    assert "Пётр Сидоров (заказ №1) пишет" in relayed.text and "Когда приедете?" in relayed.text
    assert relayed.labels == ["↩️ Ответить"]

    # Telegram redelivers the client's update (webhook): applied once, relayed once
    (hook,) = crm.emulator.calls_to("setWebhook")
    secret = {"X-Telegram-Bot-Api-Secret-Token": hook["secret_token"]}
    update = {"update_id": crm.emulator.state.next_update_id - 1, "message": sent}
    async with httpx.AsyncClient() as web:
        assert (await web.post(hook["url"], json=update, headers=secret)).status_code == 200

    await olga.tap("↩️ Ответить", message=relayed)
    prompt = await olga.reply()
    assert "Сообщение клиенту: Пётр Сидоров, заказ №1. Напишите его." in prompt.text
    await olga.send("Завтра в 10:00, как договаривались")
    assert "Отправлено клиенту" in (await olga.reply()).text
    answer = await petr.reply()
    assert answer.text == "Чистый дом: Завтра в 10:00, как договаривались"
    assert "Ольга" not in answer.text

    await petr.send_photo(PNG, caption="Вот здесь протекает")
    await petr.reply()  # passed on
    photo = await olga.reply()
    assert photo.media == "photo" and "Вот здесь протекает" in photo.text
    assert photo.labels == ["↩️ Ответить"]

    # from the order card
    await olga.tap("✉️ Написать клиенту", message=card)
    assert "Сообщение клиенту: Пётр Сидоров, заказ №1" in (await olga.reply()).text
    await olga.send("Мастер Иван будет у вас в 10:00")
    await olga.reply()
    assert (await petr.reply()).text == "Чистый дом: Мастер Иван будет у вас в 10:00"

    # one relay per client message (the redelivered one was not), the assignee not told
    # (the organization relays to managers only), all of it on the order's history
    relays = [m for m in olga.messages() if "пишет" in (m.text or "")]
    assert len(relays) == 2
    assert len(ivan.messages()) == ivan_seen
    await olga.tap("📜 История", message=card)
    history = (await olga.reply()).text
    assert "написал(а): «Когда приедете?»" in history
    assert "написал(а) клиенту: «Завтра в 10:00" in history


async def test_an_answer_removes_the_reply_button_from_every_staff_copy(crm):
    """Relayed to the owner and the assignee; the assignee answers: both copies lose Reply
    (edited in place: the owner gets no new message, the assignee only the conversation)."""
    olga, ivan, petr, _ = await _linked_client(crm, (7321, 7322, 7323))
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(7321, "x"))
    settings = await services.client_loop.settings(owner)
    await services.client_loop.update_settings(owner, replace(settings, relay_to_assignee=True))
    await petr.send("Можно на час позже?")
    await petr.reply()
    copies = {"olga": await olga.reply(), "ivan": await ivan.reply()}
    assert copies["olga"].labels == ["↩️ Ответить"] and copies["ivan"].labels == ["↩️ Reply"]
    olga_seen, ivan_seen = len(olga.messages()), len(ivan.messages())

    await ivan.tap("↩️ Reply", message=copies["ivan"])
    await ivan.reply()  # write your message
    await ivan.send("Да, будем в 11:00")
    assert "Sent to the client" in (await ivan.reply()).text
    assert (await petr.reply()).text == "Чистый дом: Да, будем в 11:00"
    for person, copy in ((olga, copies["olga"]), (ivan, copies["ivan"])):
        answered = await person.wait_edit(copy.message_id)
        assert answered.labels == [] and answered.text == copy.text
    await asyncio.sleep(0.3)
    assert (len(olga.messages()), len(ivan.messages())) == (olga_seen, ivan_seen + 2)


async def test_a_worker_who_does_not_hold_the_order_cannot_reply_through_a_forged_button(crm):
    olga, _, petr, _ = await _linked_client(crm, (7311, 7312, 7313))
    token = await invite_link(olga, "Работник")
    sergey = crm.emulator.user(7314, "Sergey", language_code="en")
    await onboard(sergey, "en", payload=token)
    await sergey.reply()
    await olga.reply()
    await petr.send("Можно перенести?")
    await petr.reply()
    relayed = await olga.reply()
    data = relayed.buttons[0][0][1]
    before = len(petr.messages())
    sergey.forge_callback(sergey.last().message_id, data)
    assert await sergey.callback_answer() is not None
    await sergey.send("Hi, this is Sergey from the company")
    await sergey.reply()
    assert len(petr.messages()) == before  # nothing reached the client


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_rating_question_in_telegram_once_and_a_low_rating_alerts(crm, language):
    ids = (7321, 7322, 7323) if language == "ru" else (7331, 7332, 7333)
    olga, _, petr, _ = await _linked_client(crm, ids, language)
    await done_and_paid(crm, ids[0], ids[1])
    question = await petr.reply(timeout=10)
    words = {"ru": "Оцените визит", "en": "Rate the visit"}[language]
    assert words in question.text and "Ivan" in question.text and "Petrov" not in question.text
    assert question.labels == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    await petr.tap("2 ⭐", message=question)
    asked = await petr.wait_edit(question.message_id)
    assert "⭐⭐" in asked.text and len(asked.labels) == 1  # Skip
    alert = await olga.reply(timeout=10)
    assert "Низкая оценка заказа №1: 2 из 5" in alert.text
    await petr.send("Опоздал на час")
    thanks = {"ru": "Спасибо за отзыв", "en": "Thank you for your feedback"}[language]
    assert thanks in (await petr.reply()).text
    follow = await olga.reply(timeout=10)
    assert "Опоздал на час" in follow.text
    # the old star buttons, forged: already rated, nothing changes, nobody told again
    olga_seen = len(olga.messages())
    five = dict(b for row in question.buttons for b in row)["5 ⭐"]
    petr.forge_callback(question.message_id, five)
    await petr.callback_answer()
    again = await petr.wait_edit(question.message_id)
    assert "⭐⭐\n" in again.text and "⭐⭐⭐" not in again.text
    assert len(olga.messages()) == olga_seen
    questions = [m for m in petr.messages() if words in (m.text or "")]
    assert len(questions) == 1


async def done_and_paid(crm, owner_id: int, worker_id: int) -> None:
    """Order №1 started, done and paid in cash by its worker, the rating asked at once."""
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(owner_id, "Ольга"))
    await payments_only(crm, owner)  # the invoice's own job would come between (see there)
    settings = await services.client_loop.settings(owner)
    await services.client_loop.update_settings(owner, replace(settings, rating_delay_minutes=0))
    worker = await services.users.identify(TelegramProfile(worker_id, "Ivan Petrov"))
    order = (await services.orders.by_number(owner, 1)).order
    for action in (OrderAction.START, OrderAction.DONE):
        await services.orders.act(worker, order.id, action)
    await services.orders.act(
        worker, order.id, OrderAction.PAY, amount_minor=350000, method="cash"
    )
