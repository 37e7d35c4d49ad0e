"""What people type into /neworder: incomplete phones, past dates, amounts in either language's
way of writing numbers, and phone numbers shown in one international format."""

import json
from datetime import UTC, datetime

from pydantic import SecretStr

from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import create_org, onboard, reason_of
from tests.fakes.yandexgpt import FakeYandexGpt

# Saturday 5 December 2026, 09:30 in Moscow: "01.12" is four days ago.
DECEMBER_5 = datetime(2026, 12, 5, 6, 30, tzinfo=UTC)


async def said(person, *words, limit=4):
    """The next reply that contains every one of `words` (a notice or echo before it is
    skipped)."""
    seen = []
    for _ in range(limit):
        message = await person.reply()
        if all(word in message.text for word in words):
            return message
        seen.append(message.text)
    raise AssertionError(f"no reply with {words}; got {seen}")


async def _to_the_date(olga, client="+7 916 555-44-33", name="Анна"):
    """/neworder for a new client, no address, no category: up to the 'When?' question."""
    await olga.send("/neworder")
    await said(olga, "Кто клиент")
    await olga.send(client)
    await said(olga, "Как его зовут")
    await olga.send(name)
    await said(olga, "Адрес?")
    await olga.tap("Без адреса")
    await said(olga, "Что за работа")
    await olga.tap("Пропустить")
    return await said(olga, "Когда?")


async def test_an_incomplete_phone_is_asked_again_never_taken_for_a_name(crm):
    olga = crm.emulator.user(951, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/neworder")
    who = await said(olga, "Кто клиент")
    await olga.send("+7 999 12")
    assert "не хватает цифр" in reason_of(await olga.reply(), who)  # not taken for a name
    await olga.send("Анна")
    phone = await said(olga, "Номер телефона")
    await olga.send("8 916 555 44")
    assert "не хватает цифр" in reason_of(await olga.reply(), phone)  # one message
    await olga.send("+7 916 555-44-33")
    await said(olga, "Адрес?")
    await olga.send("/cancel")
    await olga.reply()
    await olga.send("/newclient")
    await olga.reply()
    await olga.send("Пётр")
    phone = await said(olga, "Номер телефона")
    await olga.send("+7 (916) 12")
    assert "не хватает цифр" in reason_of(await olga.reply(), phone)


async def test_phones_are_shown_in_one_international_format(crm):
    olga = crm.emulator.user(952, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/newclient")
    await olga.reply()
    await olga.send("Hans")
    await olga.reply()
    await olga.send("+49 (030) 1234-5678")
    await olga.reply()
    await olga.tap("Пропустить")
    card = await said(olga, "Hans")
    assert "+49 30 12345678" in card.text, card.text
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("Hans")
    pick = await said(olga, "Кто из них")
    assert "Hans · +49 30 12345678" in pick.labels, pick.labels


async def test_a_past_date_asks_about_next_year_and_past_hours_are_not_offered(db_url, tmp_path):
    async with local_bot(make_settings(db_url, tmp_path), clock=e2e_clock(DECEMBER_5)) as crm:
        olga = crm.emulator.user(953, "Ольга", language_code="ru")
        await create_org(olga)
        await _to_the_date(olga)
        await olga.send("01.12 10:00")
        question = await olga.reply()
        assert "1 декабря 2026" in question.text and "1 декабря 2027" in question.text
        assert question.labels == ["Да, 2027", "Нет, другая дата"], question.labels
        await olga.tap("Нет, другая дата")
        when = await said(olga, "Когда?")
        await olga.send("сегодня 8:00")
        assert "сегодня уже прошло" in reason_of(await olga.reply(), when)  # one message
        await olga.tap("Сегодня")
        hours = await said(olga, "Во сколько?")
        assert "09:00" not in hours.labels and "10:00" in hours.labels, hours.labels
        await olga.tap("10:00")
        await said(olga, "Цена?")
        await olga.tap("Пропустить")
        await said(olga, "Что нужно знать")
        await olga.tap("Пропустить")
        card = await said(olga, "Проверьте новый заказ")
        assert "10:00" in card.text and "2026" not in card.text, card.text
        await olga.tap("✏️ Время")
        await said(olga, "Когда?")
        await olga.send("01.12 10:00")
        await said(olga, "Вы имели в виду")
        await olga.tap("Да, 2027")
        card = await said(olga, "Проверьте новый заказ")
        assert "1 дек. 2027, 10:00" in card.text, card.text
        await olga.tap("✅ Создать")
        await said(olga, "создан")
        card = await said(olga, "Заказ №1")

        # rescheduling asks the same question
        await olga.tap("🕒 Перенести", message=card)
        await said(olga, "Когда?")
        await olga.send("02.12 12:00")
        await said(olga, "2 декабря 2026", "2 декабря 2027")
        await olga.tap("Да, 2027")
        await said(olga, "Сохранено")
        await olga.send("/order 1")
        assert "2 дек. 2027, 12:00" in (await said(olga, "Заказ №1")).text  # another year


async def test_amounts_in_either_way_of_writing_and_never_negative(crm):
    olga = crm.emulator.user(954, "Ольга", language_code="ru")
    await create_org(olga)
    await _to_the_date(olga)
    await olga.tap("Без даты")
    await said(olga, "Цена?")
    await olga.send("5,000")
    await said(olga, "Что нужно знать")
    await olga.tap("Пропустить")
    card = await said(olga, "Проверьте новый заказ")
    assert "5\xa0000\xa0₽" in card.text, card.text
    await olga.tap("✏️ Цена")
    price = await said(olga, "Цена?")
    await olga.send("-500")
    assert "не может быть отрицательной" in reason_of(await olga.reply(), price)  # one message
    await olga.send("5000.50")
    assert "5\xa0000,50\xa0₽" in (await said(olga, "Проверьте новый заказ")).text

    eve = crm.emulator.user(955, "Eve", language_code="en")
    await onboard(eve, "en")
    await said(eve, "business called")
    await eve.send("Clean Co")
    await eve.reply()
    await eve.send("Europe/London")
    await eve.reply()
    await eve.tap("EUR")
    await said(eve, "is ready")
    await eve.send("/neworder")
    await eve.reply()
    await eve.send("Ann")
    await said(eve, "phone")
    await eve.tap("No phone")
    await eve.reply()
    await eve.tap("No address")
    await eve.reply()
    await eve.tap("Skip")
    await eve.reply()
    await eve.tap("Not scheduled")
    await said(eve, "price")
    await eve.send("5000,50")
    await said(eve, "worker should know")
    await eve.tap("Skip")
    card = await said(eve, "Check the new order")
    assert "€5,000.50" in card.text, card.text
    await eve.tap("✏️ Price")
    price = await said(eve, "price")
    await eve.send("−500")
    assert "cannot be negative" in reason_of(await eve.reply(), price)  # one message
    await eve.send("5 000")
    assert "€5,000" in (await said(eve, "Check the new order")).text


async def test_a_forwarded_request_with_a_past_date_asks_about_next_year(db_url, tmp_path):
    async with FakeYandexGpt(folder_id="b1gfolder", api_key="yc-key", iam_token=None) as gpt:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "yandex_cloud_api_key": SecretStr("yc-key"),
                "yandex_cloud_folder_id": "b1gfolder",
                "yandexgpt_endpoint": gpt.endpoint,
                "yandexgpt_insecure": True,
            }
        )
        read = {"client_name": "Анна", "service": "уборка", "date": "01.12", "time": "10:00"}
        gpt.answer = lambda _request: json.dumps(read, ensure_ascii=False)
        async with local_bot(settings, clock=e2e_clock(DECEMBER_5)) as crm:
            olga = crm.emulator.user(956, "Ольга", language_code="ru")
            await create_org(olga)
            await olga.forward("Анна, уборка 1 декабря в 10:00", "Анна")
            await said(olga, "Номер телефона")
            await olga.tap("Без телефона")
            await said(olga, "Адрес?")
            await olga.tap("Без адреса")
            question = await olga.reply()
            assert "1 декабря 2027" in question.text, question.text
