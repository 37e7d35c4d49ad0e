"""Issue 25, item 6, on the real bot: an owner corrects their own name and phone from
/settings in Russian (a short number asked again), /settings shows them, and the name stays
theirs on the next update although Telegram still sends the old one."""

from __future__ import annotations

from tests.e2e.scenario import create_org, reason_of


async def test_name_and_phone_corrected_from_settings(crm):
    olga = crm.emulator.user(8831, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/settings")
    shown = await olga.reply()
    assert "Имя: Ольга" in shown.text and "Телефон: не указан" in shown.text
    await olga.tap("✏️ Имя", message=shown)
    assert "Ваше имя" in (await olga.reply()).text
    await olga.send("Ольга Смирнова")
    assert "Сохранено: теперь ваше имя — Ольга Смирнова." in (await olga.reply()).text
    await olga.send("/settings")
    again = await olga.reply()
    await olga.tap("📞 Телефон", message=again)
    asked = await olga.reply()
    assert "Ваш номер телефона?" in asked.text
    await olga.send("+7 916 12")
    assert "не хватает цифр" in reason_of(await olga.reply(), asked)  # asked again, one message
    await olga.send("8 916 123-45-67")
    assert "+79161234567" in (await olga.reply()).text
    await olga.send("/settings")
    last = await olga.reply()
    assert "Имя: Ольга Смирнова" in last.text and "Телефон: +79161234567" in last.text
