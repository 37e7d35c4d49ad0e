"""Issue scenario: '👷 Create and assign…' at the end of /neworder lists the workers with their
load that day; one tap creates the order already assigned, and that worker hears of it once."""

from sandbox.emulator import UserDriver
from tests.e2e.scenario import create_org, invite_link, onboard


async def _join(olga: UserDriver, person: UserDriver, language: str) -> None:
    token = await invite_link(olga, "Работник")
    await onboard(person, language, payload=token)
    await person.reply()
    await olga.reply()  # "… joined"


async def _to_confirmation(olga: UserDriver):
    await olga.send("/neworder")
    for typed in ("+7 916 555 44 71", "Анна Петрова", "Москва, Тверская, 7"):
        await olga.reply()
        await olga.send(typed)
    await olga.reply()
    await olga.tap("Уборка")
    await olga.reply()
    await olga.tap("Без даты")
    await olga.reply()
    await olga.send("3500")
    await olga.reply()
    await olga.tap("Пропустить")
    return await olga.reply()


async def test_create_and_assign_in_one_tap(crm):
    olga = crm.emulator.user(1931, "Ольга", language_code="ru")
    await create_org(olga)
    ivan = crm.emulator.user(1932, "Иван", language_code="ru")
    wang = crm.emulator.user(1933, "Wang", language_code="en")
    await _join(olga, ivan, "ru")
    await _join(olga, wang, "en")
    wang_seen = len(wang.messages())
    confirm = await _to_confirmation(olga)
    await olga.tap("👷 Создать и назначить…", message=confirm)
    whom = await olga.reply()
    assert "Кому назначить новый заказ?" in whom.text, whom.text
    assert whom.labels == [
        "Wang · заказов в этот день: 0",
        "Иван · заказов в этот день: 0",
        "⬅️ Назад",
    ], whom.labels
    await olga.tap("⬅️ Назад", message=whom)
    confirm = await olga.reply()  # the card again, nothing created
    assert "Проверьте новый заказ" in confirm.text, confirm.text
    await olga.tap("👷 Создать и назначить…", message=confirm)
    await olga.tap("Иван · заказов в этот день: 0", message=await olga.reply())
    done = await olga.reply()
    assert done.text.startswith("Заказ №1 создан и назначен: Иван."), done.text
    card = await olga.reply()
    assert "🟡 Назначен" in card.text and "👷 Иван" in card.text, card.text

    note = await ivan.reply()
    assert note.text.startswith("👷 Вам назначен заказ:"), note.text
    assert "Заказ №1" in note.text and "▶️ Начать" in note.labels, note.labels
    await olga.send("/orders")  # a message after everything the tap sent
    await olga.reply()
    assert ivan.last().message_id == note.message_id  # once
    assert len(wang.messages()) == wang_seen  # the other worker hears nothing
