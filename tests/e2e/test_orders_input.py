"""Order and client flows with awkward input, address suggestions, lists and stale buttons."""

import pytest
from pydantic import SecretStr

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of
from tests.fakes.dadata import FakeDaData


@pytest.fixture
async def crm_dadata(db_url, tmp_path):
    async with FakeDaData(api_key="dadata-test-key") as dadata:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "dadata_api_key": SecretStr("dadata-test-key"),
                "dadata_base_url": dadata.base_url,
            }
        )
        local = local_bot(settings)
        await local.start()
        yield local, dadata
        await local.stop()


async def _start_order(olga, client="+7 916 555-44-33", name="Анна"):
    await olga.send("/neworder")
    await olga.reply()
    await olga.send(client)
    await olga.reply()
    await olga.send(name)
    return await olga.reply()


async def test_suggested_address_with_coordinates(crm_dadata):
    crm, dadata = crm_dadata
    olga = crm.emulator.user(901, "Ольга", language_code="ru")
    await create_org(olga)
    await _start_order(olga)
    await olga.send("москва сухонская 11")
    pick = await olga.reply()
    assert any("Сухонская" in label for label in pick.labels), pick.labels
    assert (
        dadata.requests and "Token dadata-test-key" in dadata.requests[-1].headers["authorization"]
    )
    await olga.tap(next(label for label in pick.labels if "Сухонская" in label))
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("Без даты")
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("✅ Создать")
    await olga.reply()
    card = await olga.reply()
    assert "pt=37.653739,55.878368" in card.html or "pt=37.6537388,55.8783675" in card.html


async def test_wrong_input_is_asked_again_with_an_example(crm):
    olga = crm.emulator.user(911, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("Анна")
    phone = await olga.reply()  # a new client (no match): asks for the phone
    await olga.send("12")
    assert "Пример: +7 916 123-45-67" in reason_of(await olga.reply(), phone)  # one message
    await olga.send("+7 916 555 44 33")
    await olga.reply()
    await olga.send_location(55.75, 37.61)
    await olga.reply()
    await olga.tap("Пропустить")
    when = await olga.reply()
    await olga.send("31.02 10:00")
    assert "Пример: 25.12 14:30" in reason_of(await olga.reply(), when)
    await olga.send("01.01.2020 10:00")
    assert "уже прошло" in reason_of(await olga.reply(), when)
    await olga.send("завтра 9:30")
    price = await olga.reply()
    await olga.send("дорого")
    assert "цифрами" in reason_of(await olga.reply(), price)
    await olga.send("1200")
    description = await olga.reply()
    await olga.send("x" * 10_000)
    assert "не больше 2000" in reason_of(await olga.reply(), description)
    await olga.send("Код домофона 15")
    confirm = await olga.reply()
    assert "Анна" in confirm.text and "1\xa0200" in confirm.text
    await olga.tap("✏️ Цена")
    await olga.reply()
    await olga.send("1500")
    confirm = await olga.reply()
    assert "1\xa0500" in confirm.text and "Код домофона" in confirm.text, confirm.text
    await olga.send("/cancel")
    assert "Отменено" in (await olga.reply()).text
    await olga.tap("✅ Создать", message=confirm)
    assert "прошлого шага" in (await olga.callback_answer()) or "не действует" in (
        await olga.callback_answer()
    )


async def test_shared_contact_lists_and_a_worker_refused_anothers_order(crm):
    olga = crm.emulator.user(921, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/neworder")
    await olga.reply()
    await olga.send_contact("+79165554433", "Анна")
    question = await olga.reply()
    assert "Адрес" in question.text, "a shared contact still asked for the name or phone"
    await olga.tap("Без адреса")
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("Сегодня")
    await olga.reply()
    await olga.tap("18:00")
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("Пропустить")
    await olga.reply()
    await olga.tap("✅ Создать")
    await olga.reply()
    card = await olga.reply()
    await olga.send("/orders")
    listing = await olga.reply()
    assert "№1" in listing.text and "Анна" in listing.text
    await olga.tap("Без исполнителя")
    unassigned = await olga.wait_edit(listing.message_id)
    assert "№1" in unassigned.text
    await olga.tap("Отменённые")
    cancelled = await olga.wait_edit(listing.message_id)
    assert "Здесь заказов нет" in cancelled.text

    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(922, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send("/order 1")
    assert "no order №1 that you can see" in (await ivan.reply()).text
    await ivan.send("/neworder")
    assert "does not allow" in (await ivan.reply()).text

    await olga.tap("✖️ Отменить", message=card)
    await olga.reply()
    await olga.tap("Да, отменить заказ")
    assert "отменён" in (await olga.callback_answer())
    olga.forge_callback(card.message_id, "oas:1:922")  # a stale "assign" from an old list
    assert "нельзя" in (await olga.callback_answer())
    olga.forge_callback(card.message_id, "oa:999:start")  # an order that does not exist
    assert "недоступен" in (await olga.callback_answer())


async def test_merge_two_cards_in_the_chat(crm):
    olga = crm.emulator.user(931, "Ольга", language_code="ru")
    await create_org(olga)
    for name, phone in (("Пётр Сидоров", "+79161234567"), ("Петя", "+79160000000")):
        await olga.send("/newclient")
        await olga.reply()
        await olga.send(name)
        await olga.reply()
        await olga.send(phone)
        await olga.reply()
        await olga.tap("Пропустить")
        await olga.reply()
    await olga.send("/client Сидоров")
    found = await olga.reply()
    await olga.tap(found.labels[0])
    await olga.reply()
    await olga.tap("🧩 Объединить с дублем")
    await olga.reply()
    await olga.send("Петя")
    pick = await olga.reply()
    await olga.tap(pick.labels[0])
    await olga.reply()
    await olga.tap("🧩 Объединить")
    assert "присоединена" in (await olga.reply()).text
    merged = await olga.reply()
    assert "+7 916 000-00-00" in merged.text and "+7 916 123-45-67" in merged.text


async def test_static_map_preview_before_the_card(db_url, tmp_path):
    from tests.fakes.yandex_maps import FakeStaticMaps

    async with FakeStaticMaps(api_key="maps-key") as maps:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "yandex_maps_api_key": SecretStr("maps-key"),
                "yandex_static_maps_url": maps.base_url,
            }
        )
        async with local_bot(settings) as crm:
            olga = crm.emulator.user(941, "Ольга", language_code="ru")
            await create_org(olga)
            await _start_order(olga)
            await olga.send_location(55.8783675, 37.6537388)
            for label in ("Пропустить", "Без даты", "Пропустить", "Пропустить", "✅ Создать"):
                await olga.reply()
                await olga.tap(label)
            await olga.reply()  # "created"
            photo = await olga.reply()
            assert photo.media == "photo"
            card = await olga.reply()
            assert "Заказ №1" in card.text
            assert maps.requests and maps.requests[-1].query["ll"] == "37.653739,55.878368"
