"""Issue scenario: an order from creation to payment, with a pool race and least privilege."""

from tests.e2e.scenario import create_org, invite_link, onboard, until_shown


async def _team(crm):
    olga = crm.emulator.user(701, "Ольга", language_code="ru")
    await create_org(olga)
    workers = []
    for uid, name in ((702, "Иван"), (703, "Wang")):
        token = await invite_link(olga, "Работник")
        worker = crm.emulator.user(uid, name, language_code="ru" if uid == 702 else "en")
        await onboard(worker, "ru" if uid == 702 else "en", payload=token)
        await worker.reply()
        await olga.reply()
        workers.append(worker)
    return olga, workers


async def _new_order(olga, client_text="+7 916 123-45-67", name="Пётр Сидоров"):
    await olga.send("/neworder")
    assert "Кто клиент" in (await olga.reply()).text
    await olga.send(client_text)
    question = await olga.reply()
    if "зовут" in question.text:
        await olga.send(name)
        question = await olga.reply()
    assert "Адрес" in question.text, question.text
    await olga.send("Москва, ул. Сухонская, 11 <кв. 5>")
    await olga.reply()
    await olga.tap("Уборка")
    await olga.reply()
    await olga.tap("Завтра")
    await olga.reply()
    await olga.tap("10:00")
    await olga.reply()
    await olga.send("3 500")
    await olga.reply()
    await olga.tap("Пропустить")
    confirm = await olga.reply()
    assert "Сухонская" in confirm.text and "3\xa0500" in confirm.text
    await olga.tap("✅ Создать")
    assert "создан" in (await olga.reply()).text
    return await olga.reply()


async def test_order_from_creation_to_payment(crm):
    olga, (ivan, wang) = await _team(crm)
    card = await _new_order(olga)
    assert "№1" in card.text and "Пётр Сидоров" in card.text and "+7 916 123-45-67" in card.text
    assert "&lt;кв. 5&gt;" in card.html and "yandex.ru/maps" in card.html

    # the same phone again: caught before a second client is created
    await olga.send("/newclient")
    await olga.reply()
    await olga.send("Петя")
    await olga.reply()
    await olga.send("8 916 123 45 67")
    same = await olga.reply()
    assert "Пётр Сидоров" in same.text and "Открыть эту карточку" in same.labels

    # offer to the pool; both workers tap Take at once; exactly one wins
    await olga.tap("👷 Назначить", message=card)
    await olga.reply()
    await olga.tap("📣 Предложить всем")
    offers = [await ivan.reply(), await wang.reply()]
    assert "ул. Сухонская" in offers[0].text and "10:00" in offers[0].text, offers[0].text
    assert "11" not in offers[0].text and "кв. 5" not in offers[0].text, "the address leaked"
    await ivan.tap("🙋 Взять", message=offers[0])
    await wang.tap("🙋 Take", message=offers[1])
    answers = sorted([await ivan.callback_answer() or "", await wang.callback_answer() or ""])
    winners = [a for a in answers if a in ("Заказ ваш.", "The order is yours.")]
    assert len(winners) == 1, answers
    winner = ivan if "Заказ ваш." in answers else wang
    loser = wang if winner is ivan else ivan
    retired = loser.last()
    if not retired.edited:
        retired = await loser.wait_edit(retired.message_id)
    assert "someone else" in retired.text or "кто-то другой" in retired.text
    # the manager's card follows each step in place, with no new message
    shown = len(olga.messages())
    await until_shown(olga, card.message_id, "👷 " + winner.user["first_name"])

    # the winner starts, finishes and records a cash payment
    start_label = "▶️ Начать" if winner is ivan else "▶️ Start"
    mine = await until_shown(winner, winner.last().message_id, "🟡")
    await winner.tap(start_label, message=mine)
    sure = await winner.reply()  # the order is tomorrow's: starting it today asks first
    assert "Start it now?" in sure.text or "Начать его сейчас?" in sure.text, sure.text
    await winner.tap(sure.labels[0], message=sure)
    await until_shown(olga, card.message_id, "В работе")
    await until_shown(winner, mine.message_id, "🔧")
    await winner.tap("✅ Готово" if winner is ivan else "✅ Done", message=mine)
    prompt = await winner.reply()
    assert "💰" in prompt.labels[0]
    await until_shown(olga, card.message_id, "Выполнен")
    await winner.tap(prompt.labels[0])
    amount = await winner.reply()
    await winner.tap(amount.labels[0])  # the unpaid rest: 3 500
    await winner.reply()
    await winner.tap("Наличные" if winner is ivan else "Cash")
    await until_shown(olga, card.message_id, "наличные")
    assert len(olga.messages()) == shown
    await olga.tap("📜 История", message=card)
    history = await olga.reply()
    for step in ("создаёт заказ", "предлагает", "берёт", "начинает", "завершает", "оплату"):
        assert step in history.text, history.text


async def test_worker_sees_only_the_name_of_another_workers_client(crm):
    olga, (ivan, wang) = await _team(crm)
    card = await _new_order(olga)
    await olga.tap("👷 Назначить", message=card)
    await olga.reply()
    await olga.tap("Иван · заказов в этот день: 0")
    await ivan.reply()
    for query in ("Сидоров", "916 123"):
        await wang.send(f"/client {query}")
        found = await wang.reply()
        assert "No client of your current orders matches" in found.text and not found.labels
    await ivan.send("/client 916 123")
    mine = await ivan.reply()
    await ivan.tap(mine.labels[0])
    assert "+7 916 123-45-67" in (await ivan.reply()).text
    answers = await wang.inline_query("Сидоров")
    assert answers == []
    manager_results = await olga.inline_query("916")
    assert manager_results and manager_results[0]["title"] == "Пётр Сидоров"
