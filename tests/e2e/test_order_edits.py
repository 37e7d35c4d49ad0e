"""Issue scenario: an owner edits an order from its card (price, address, work, description,
time). The assignee gets one message per change naming the old value (the card in it shows the
new one); a manager's card follows in place; a worker can edit nothing, not even by a forged
button."""

from sandbox.emulator import UserDriver
from tests.e2e.scenario import assigned_order, invite_link, onboard, until_shown

CLIENT = ("+7 916 555 44 61", "Пётр Сидоров", "Москва, Тверская, 1")


async def _manager(crm, olga: UserDriver) -> UserDriver:
    maria = crm.emulator.user(1913, "Мария", language_code="ru")
    token = await invite_link(olga, "Менеджер")
    await onboard(maria, "ru", payload=token)
    await maria.reply()
    await olga.reply()  # "… joined"
    return maria


async def _edit(olga: UserDriver, field: str, typed: str | None = None, tap: str | None = None):
    """Olga opens order №1, taps ✏️ Edit, the field, and answers; returns the answer prompt."""
    await olga.send("/order 1")
    card = await olga.reply()
    await olga.tap("✏️ Изменить", message=card)
    menu = await olga.reply()
    assert "Что изменить в заказе №1?" in menu.text, menu.text
    await olga.tap(field, message=menu)
    prompt = await olga.reply()
    if typed is not None:
        await olga.send(typed)
    else:
        assert tap is not None
        await olga.tap(tap, message=prompt)
    saved = await olga.reply()
    assert "Сохранено: заказ №1" in saved.text, saved.text
    return prompt


async def test_an_owner_edits_each_detail_and_the_worker_hears_the_old_value(crm):
    olga, ivan, _card = await assigned_order(crm, (1911, 1912), CLIENT, price="3500")
    maria = await _manager(crm, olga)
    await maria.send("/order 1")
    live = await maria.reply()
    maria_seen = len(maria.messages())

    async def told(*expected: str) -> str:
        """The worker's one new message about the last change (all of its messages were sent
        before Olga's 'Saved')."""
        note = await ivan.reply()
        assert ivan.last().message_id == note.message_id, "more than one message to the worker"
        text = note.text.replace("\xa0", " ")
        for part in expected:
            assert part in text, text
        return text

    await _edit(olga, "✏️ Цена", typed="4200")
    await told("✏️ Ольга changed the price (it was: 3,500 RUB):", "💰 4,200 RUB")
    await until_shown(maria, live.message_id, "💰 4\xa0200\xa0₽")

    await _edit(olga, "✏️ Адрес", typed="Москва, Арбат, 10")
    await told("changed the address (it was: Москва, Тверская, 1):", "📍 Москва, Арбат, 10")
    await until_shown(maria, live.message_id, "Арбат, 10")

    prompt = await _edit(olga, "✏️ Работа", tap="Ремонт")
    assert "Какой вид работ у заказа №1?" in prompt.text, prompt.text
    await told("changed the kind of work (it was: Уборка):", "🧰 Ремонт")
    await until_shown(maria, live.message_id, "🧰 Ремонт")

    await _edit(olga, "✏️ Описание", typed="Код домофона 45")
    await told("changed the description (it was: —):", "📝 Код домофона 45")
    await until_shown(maria, live.message_id, "Код домофона 45")

    await _edit(olga, "✏️ Время", typed="05.03 12:00")
    await told("🕒 Ольга moved the order:", "Thu 5 Mar, 12:00")
    await until_shown(maria, live.message_id, "12:00")

    assert len(maria.messages()) == maria_seen  # her card followed in place, nothing new
    await olga.send("/order 1")
    await olga.tap("📜 История", message=await olga.reply())
    history = (await olga.reply()).text.replace("\xa0", " ")
    for line in (
        "меняет цену: 3 500 ₽ → 4 200 ₽",
        "меняет адрес: Москва, Тверская, 1 → Москва, Арбат, 10",
        "меняет вид работ: Уборка → Ремонт",
        "меняет описание: — → Код домофона 45",
        "переносит",
    ):
        assert line in history, history


async def test_a_worker_has_no_edit_button_and_a_forged_one_is_refused(crm):
    olga, ivan, card = await assigned_order(crm, (1921, 1922), CLIENT, price="3500")
    labels = [label for row in card.buttons for label, _data in row]
    assert not any("Edit" in label for label in labels), labels
    order_id = next(data for row in card.buttons for _l, data in row if data.startswith("o"))
    order_id = order_id.split(":")[1]
    ivan.forge_callback(card.message_id, f"of:{order_id}:edit")
    assert await ivan.callback_answer() == "Your role does not allow this."
    await ivan.send("5000")  # no edit was started for him
    assert "did not understand" in (await ivan.reply()).text
    await olga.send("/order 1")
    assert "3\xa0500" in (await olga.reply()).text  # the price is as it was
