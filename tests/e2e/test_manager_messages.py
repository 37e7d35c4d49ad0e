"""Issue scenario: managers are not flooded. Three orders walk from creation to payment; every
manager gets at most three new messages per order, and the creator's card follows in place."""

from sandbox.emulator import UserDriver
from tests.e2e.scenario import create_org, invite_link, onboard

BUDGET = 3  # new messages per manager per order, at most


async def _join(olga: UserDriver, person: UserDriver, role: str, language: str) -> None:
    token = await invite_link(olga, role)
    await onboard(person, language, payload=token)
    await person.reply()
    await olga.reply()  # "… joined"


async def _team(crm):
    olga = crm.emulator.user(1701, "Ольга", language_code="ru")
    await create_org(olga)
    maria = crm.emulator.user(1702, "Мария", language_code="ru")
    misha = crm.emulator.user(1703, "Misha", language_code="en")
    ivan = crm.emulator.user(1704, "Иван", language_code="ru")
    wang = crm.emulator.user(1705, "Wang", language_code="en")
    await _join(olga, maria, "Менеджер", "ru")
    await _join(olga, misha, "Менеджер", "en")
    await _join(olga, ivan, "Работник", "ru")
    await _join(olga, wang, "Работник", "en")
    return (olga, maria, misha), (ivan, wang)


async def _create(maria: UserDriver, phone: str, name: str):
    """Maria's own steps: /neworder to the card (an unscheduled order at 3 500)."""
    await maria.send("/neworder")
    await maria.reply()
    await maria.send(phone)
    await maria.reply()
    await maria.send(name)
    await maria.reply()
    await maria.send(f"Москва, ул. Сухонская, {phone[-2:]}")
    await maria.reply()
    await maria.tap("Уборка")
    await maria.reply()
    await maria.tap("Без даты")
    await maria.reply()
    await maria.send("3500")
    await maria.reply()
    await maria.tap("Пропустить")
    await maria.reply()
    await maria.tap("✅ Создать")
    await maria.reply()
    return await maria.reply()


async def _work(worker: UserDriver, card, ru: bool) -> None:
    """A worker's steps on their card: start, done, record the whole price in cash."""
    await worker.tap("▶️ Начать" if ru else "▶️ Start", message=card)
    await worker.wait_edit(card.message_id)
    await worker.tap("✅ Готово" if ru else "✅ Done", message=card)
    prompt = await worker.reply()
    await worker.tap(prompt.labels[0])
    amount = await worker.reply()
    await worker.tap(amount.labels[0])
    await worker.reply()
    await worker.tap("Наличные" if ru else "Cash")
    saved = await worker.reply()  # sent after every notice of the payment went out
    assert "№" in saved.text


def _counts(managers) -> list[int]:
    return [len(m.messages()) for m in managers]


async def _dispatch(maria, card, dispatch: str, worker, workers):
    """Maria offers the order to all (the worker takes it) or assigns it to the worker."""
    await maria.tap("👷 Назначить", message=card)
    await maria.reply()
    if dispatch == "assign":
        await maria.tap(f"{worker.user['first_name']} · заказов в этот день: 0")
        return await worker.reply()
    await maria.tap("📣 Предложить всем")
    offers = {w.id: await w.reply() for w in workers}
    ru = worker.user["language_code"] == "ru"
    await worker.tap("🙋 Взять" if ru else "🙋 Take", message=offers[worker.id])
    assert await worker.callback_answer() in ("Заказ ваш.", "The order is yours.")
    return await worker.wait_edit(offers[worker.id].message_id)


async def test_three_orders_to_payment_send_few_new_messages_to_managers(crm):
    """Measured: 4, 3 and 4 new messages to the creating manager before (a card per take,
    start, done and payment), none to the others; 0 for everyone now."""
    managers, workers = await _team(crm)
    maria, (ivan, wang) = managers[1], workers
    plans = [("01", "Пётр", "offer", ivan), ("02", "Анна", "assign", wang)]
    plans.append(("03", "Олег", "offer", wang))
    per_order = []
    for phone, name, dispatch, worker in plans:
        before = _counts(managers)
        card = await _create(maria, f"+7 916 100-00-{phone}", name)
        worker_card = await _dispatch(maria, card, dispatch, worker, workers)
        maria_own = len(maria.messages()) - before[1]  # her own steps' replies
        await _work(worker, worker_card, worker is ivan)
        new = [a - b for a, b in zip(_counts(managers), before, strict=True)]
        new[1] -= maria_own
        per_order.append(new)
        for manager, count in zip(managers, new, strict=True):
            await manager.replies(count)  # read, so the next order's replies come next
        live = next(m for m in maria.messages() if m.message_id == card.message_id)
        assert live.edited and "Выполнен" in live.text and "оплачено 3" in live.text, live.text
    # [owner, creating manager, other manager] for each order
    assert max(max(n) for n in per_order) <= BUDGET, per_order
    assert per_order == [[0, 0, 0]] * 3, per_order
