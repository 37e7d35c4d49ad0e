"""A worker's kinds of work through the bot (issue 20, item 11): the owner (Russian) opens a
worker's card in /team, ticks a kind, ticks it off again, in place; a manager in English sees
the same screen; a worker has no such button."""

from __future__ import annotations

from tests.e2e.scenario import create_org, invite_link, onboard


async def _join(olga, person, role, language):
    token = await invite_link(olga, role)
    await onboard(person, language, payload=token)
    await person.reply()
    await olga.reply()


async def test_the_owner_ticks_a_workers_kinds_of_work_in_place(crm):
    olga = crm.emulator.user(8401, "Ольга", language_code="ru")
    await create_org(olga)
    ivan = crm.emulator.user(8402, "Ivan", language_code="en")
    mark = crm.emulator.user(8403, "Mark", language_code="en")
    await _join(olga, ivan, "Работник", "en")
    await _join(olga, mark, "Менеджер", "en")

    await olga.send("/team")
    team = await olga.reply()
    assert "изменить роль, виды работ или доступ" in team.text, team.text
    await olga.tap("Ivan", message=team)
    card = await olga.reply()
    assert "🧰 Виды работ" in card.labels, card.labels
    await olga.tap("🧰 Виды работ", message=card)
    kinds = await olga.wait_edit(card.message_id)
    assert kinds.text.startswith("Ivan: виды работ"), kinds.text
    assert "может брать заказы любого вида" in kinds.text, kinds.text
    assert "▫️ Уборка" in kinds.labels and kinds.labels[-1] == "⬅️ Назад", kinds.labels
    before = len(olga.messages())
    await olga.tap("▫️ Уборка", message=kinds)
    ticked = await olga.wait_edit(card.message_id)
    assert "✅ Уборка" in ticked.labels, ticked.labels
    assert "только в заказах отмеченных видов" in ticked.text, ticked.text
    await olga.tap("✅ Уборка", message=ticked)
    assert "▫️ Уборка" in (await olga.wait_edit(card.message_id)).labels
    assert len(olga.messages()) == before  # edited in place, nothing new

    await mark.send("/team")
    await mark.tap("Ivan", message=await mark.reply())
    english = await mark.reply()
    await mark.tap("🧰 Kinds of work", message=english)
    shown = await mark.wait_edit(english.message_id)
    assert "None ticked: Ivan may take orders of every kind." in shown.text, shown.text
    assert "▫️ Уборка" in shown.labels and shown.labels[-1] == "⬅️ Back", shown.labels  # org's names
