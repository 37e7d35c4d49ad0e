"""The client card keeps its everyday buttons short: what a client asked of their data
(requests, the data package, objection, restriction) sits behind "🔒 Права на данные", which
changes the card's buttons in place, with Back."""

from __future__ import annotations

from tests.e2e.scenario import create_org


async def test_data_rights_open_in_place_and_go_back(crm):
    olga = crm.emulator.user(8811, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/newclient")
    await olga.reply()
    await olga.send("Вера Павлова")
    await olga.reply()
    await olga.tap("Без телефона")
    await olga.reply()
    await olga.tap("Пропустить")
    card = await olga.reply()
    assert "🔒 Права на данные" in card.labels
    assert "⛔ Ограничить обработку" not in card.labels and "📦 Пакет данных" not in card.labels
    await olga.tap("🔒 Права на данные", message=card)
    rights = await olga.wait_edit(card.message_id)
    assert rights.text == card.text
    assert rights.labels == [
        "📨 Запрос о данных",
        "📦 Пакет данных",
        "🤖 Возражает против обработки ИИ",
        "⛔ Ограничить обработку",
        "⬅️ Назад",
    ]
    await olga.tap("⬅️ Назад", message=card)
    again = await olga.wait_edit(card.message_id)
    assert set(card.labels) <= set(again.labels) and "⬅️ Назад" not in again.labels
    await olga.tap("🔒 Права на данные", message=card)
    await olga.wait_edit(card.message_id)
    await olga.tap("⛔ Ограничить обработку", message=card)
    assert "когда и как" in (await olga.reply()).text.lower()
