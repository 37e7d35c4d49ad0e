"""Issue scenarios through the real bot: /privacy with consents and marketing, /export as a
ZIP document, /forget leaving no trace, /mydata, deactivation and deletion with restore."""

from tests.e2e.privacy_scenario import (
    CLIENT,
    SEEDED,
    document_bytes,
    order_with_photo,
    scan,
    zip_json,
)
from tests.e2e.scenario import create_org, invite_link, onboard


async def test_privacy_export_and_forgetting_a_client(crm):
    olga = await order_with_photo(crm)
    await olga.send("/privacy")
    summary = await olga.reply()
    assert "Политика конфиденциальности" in summary.text, summary.text
    assert "https://example.com/privacy" in summary.text
    assert "/notifications" in summary.text and "/export" in summary.text
    await olga.tap("Включить рекламные сообщения", message=summary)
    assert "включены" in (await olga.reply()).text

    await olga.send("/export")
    progress = await olga.reply()
    assert "Готовлю" in progress.text
    document = await olga.reply(timeout=20)
    assert document.media == "document", document.describe()
    data = document_bytes(crm, document)
    assert [c["name"] for c in zip_json(data, "clients.json")] == [CLIENT]
    assert [o["number"] for o in zip_json(data, "orders.json")] == [1]
    assert "✅" in (await olga.wait_edit(progress.message_id)).text

    await olga.send("/forget Заболоцкая")
    await olga.tap(next(lbl for lbl in (await olga.reply()).labels if CLIENT in lbl))
    await olga.tap("Удалить навсегда", message=await olga.reply())
    assert "Удалено" in (await olga.wait_edit(olga.last().message_id)).text
    assert await scan(crm, SEEDED) == []
    await olga.send("/client Заболоцкая")
    assert "клиентов нет" in (await olga.reply()).text


async def test_anyone_gets_their_own_data_and_can_leave(crm):
    olga = crm.emulator.user(981, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(982, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send("/mydata")
    await ivan.reply()
    document = await ivan.reply(timeout=20)
    profile = zip_json(document_bytes(crm, document), "profile.json")
    assert profile[0]["first_name"] == "Ivan" and profile[0]["telegram_id"] == 982
    await ivan.send("/export")
    assert "does not allow" in (await ivan.reply()).text

    await ivan.send("/deleteme")
    await ivan.tap("Delete my account", message=await ivan.reply())
    assert "deleted" in (await ivan.wait_edit(ivan.last().message_id)).text
    assert await scan(crm, ["Ivan", 982]) == []
    await olga.send("/team")
    assert "Ivan" not in (await olga.reply()).text


async def test_deactivate_reactivate_delete_and_restore(crm):
    olga = await order_with_photo(crm, owner_id=991)
    await olga.send("/deactivate")
    await olga.tap("Отключить", message=await olga.reply())
    await olga.wait_edit(olga.last().message_id)
    await olga.send("/neworder")
    assert "деактивирована" in (await olga.reply()).text
    await olga.send("/order 1")
    assert CLIENT in (await olga.reply()).text  # still readable
    await olga.send("/reactivate")
    assert "снова активна" in (await olga.reply()).text

    await olga.send("/deleteorg")
    await olga.tap("Удалить Чистый дом", message=await olga.reply())
    assert "восстановить" in (await olga.wait_edit(olga.last().message_id)).text
    await olga.send("/orders")
    assert "удаляется" in (await olga.reply()).text
    await olga.send("/privacy")
    await olga.tap("Восстановить Чистый дом", message=await olga.reply())
    assert "восстановлена" in (await olga.reply()).text
    await olga.send("/order 1")
    assert CLIENT in (await olga.reply()).text
    await olga.send("/audit")
    log = (await olga.reply()).text
    assert "восстановил" in log and "удалить организацию" in log, log
