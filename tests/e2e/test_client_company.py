"""The client card's "🏢 Company details" on the real bot against the DaData fake, in Russian
and English: an INN with branches to choose from, a liquidated company flagged on the card and
when a new order is made for it, a name search by an English-speaking manager."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of
from tests.fakes.dadata import FakeDaData

KEY = "dadata-company-key"


@pytest.fixture
async def crm(db_url, tmp_path):
    async with FakeDaData(api_key=KEY) as dadata:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={"dadata_api_key": SecretStr(KEY), "dadata_base_url": dadata.base_url}
        )
        local = local_bot(settings)
        await local.start()
        yield local
        await local.stop()


async def _new_client(person, name, no_phone="Без телефона", skip="Пропустить"):
    await person.send("/newclient")
    await person.reply()
    await person.send(name)
    await person.reply()
    await person.tap(no_phone)
    await person.reply()
    await person.tap(skip)
    return await person.reply()


async def test_an_inn_with_branches_then_a_liquidated_company_warns_on_a_new_order(crm):
    olga = crm.emulator.user(8801, "Ольга", language_code="ru")
    await create_org(olga)
    card = await _new_client(olga, "Бухгалтерия")
    await olga.tap("🏢 Реквизиты компании", message=card)
    asked = await olga.reply()
    assert "ИНН или ОГРН" in asked.text and asked.labels == ["✍️ Ввести вручную"]
    await olga.send("7707083894")
    reason = reason_of(await olga.reply(), asked)  # asked again, in one message
    assert "контрольными цифрами" in reason or "ИНН" in reason, reason
    await olga.send("7707083893")
    branches = await olga.reply()
    assert "Какая из них?" in branches.text
    assert branches.labels == [
        'ПАО "СБЕРБАНК"',
        'СИБИРСКИЙ БАНК ПАО "СБЕРБАНК" · 540602001',
        'УРАЛЬСКИЙ БАНК ПАО "СБЕРБАНК" · 667102008',
    ]
    await olga.tap(branches.labels[2], message=branches)
    check = await olga.reply()
    assert "Филиал: УРАЛЬСКИЙ БАНК" in check.text and "Статус: действующая" in check.text
    await olga.tap("💾 Сохранить", message=check)
    card = await olga.reply()
    assert "ИНН 7707083893 · КПП 667102008 · ОГРН 1027700132195" in card.text
    assert "Юридический адрес: 620026, г Екатеринбург, ул Куйбышева, д 67" in card.text

    await olga.tap("🏢 Реквизиты компании", message=card)
    asked = await olga.reply()
    assert "🗑 Убрать реквизиты компании" in asked.labels
    await olga.send("6608123455")
    check = await olga.reply()  # one company: straight to the check screen
    assert "⚠️ Компания ликвидирована (01.01.2022)" in check.text
    await olga.tap("💾 Сохранить", message=check)
    card = await olga.reply()
    assert "<b>⚠️ Компания ликвидирована (01.01.2022)</b>" in card.html
    assert "ООО" not in card.text.split("⚠️")[0]  # the badge comes first in the block

    await olga.tap("➕ Новый заказ", message=card)
    await olga.reply()
    await olga.send("Екатеринбург, Малышева 51")
    for label in ("Оставить как ввёл", "Уборка", "Завтра", "10:00"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.send("3 500")
    await olga.reply()
    await olga.tap("Пропустить")
    confirm = await olga.reply()
    assert "⚠️ Компания ликвидирована (01.01.2022)" in confirm.text, confirm.text


async def test_an_english_manager_finds_a_company_by_name(crm):
    olga = crm.emulator.user(8811, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Менеджер")
    mary = crm.emulator.user(8812, "Mary", language_code="en")
    await onboard(mary, "en", payload=token)
    await mary.reply()
    await olga.reply()
    card = await _new_client(mary, "Romashka office", "No phone", "Skip")
    await mary.tap("🏢 Company details", message=card)
    await mary.reply()
    await mary.send("ромашка")
    found = await mary.reply()
    assert found.labels == ['ООО "РОМАШКА"', '⚠️ ООО "РОМАШКА ПЛЮС"']
    await mary.tap(found.labels[1], message=found)
    check = await mary.reply()
    assert "⚠️ The company is bankrupt" in check.text
    await mary.tap("💾 Save", message=check)
    card = await mary.reply()
    assert "INN 7710123458 · KPP 771001001 · OGRN 1027710123451" in card.text
    assert "Legal address: 127642, г Москва, ул Сухонская, д 11" in card.text
