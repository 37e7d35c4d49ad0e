"""Issue 20, item 7 through the bot, in Russian and English: the owner defines a category's
checklist with /checklist (pick «Уборка», add a required number item with its unit and an
optional photo item, a text too long asked again, remove an item), the list is what the
service keeps and what a new order of that kind copies; a worker is refused."""

from __future__ import annotations

import pytest

from core.checklists.model import ItemKind
from core.domain import TelegramProfile
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of

TEXTS = {
    "en": {
        "head": "☑️ Checklists",
        "empty": "No items yet: orders of this kind have no checklist.",
        "add": "➕ Add item",
        "ask": "➕ A new item of the checklist of “Уборка”: type its text",
        "long": "Type the item's text on one line, up to 120 characters.",
        "required": "Required",
        "optional": "Optional",
        "number": "🔢 Number",
        "photo": "📷 Photo",
        "unit": "The number's unit (kWh, m³)?",
        "added": "Added: Счётчик воды.",
        "title": "☑️ Checklist of “Уборка”",
        "back": "⬅️ Kinds of work",
        "refused": "Your role does not allow this.",
    },
    "ru": {
        "head": "☑️ Чек-листы",
        "empty": "Пунктов пока нет: у заказов этого вида нет чек-листа.",
        "add": "➕ Добавить пункт",
        "ask": "➕ Новый пункт чек-листа «Уборка»: введите его текст",
        "long": "Введите текст пункта одной строкой, до 120 символов.",
        "required": "Обязательный",
        "optional": "Необязательный",
        "number": "🔢 Число",
        "photo": "📷 Фото",
        "unit": "Единица измерения числа (кВт·ч, м³)?",
        "added": "Добавлено: Счётчик воды.",
        "title": "☑️ Чек-лист «Уборка»",
        "back": "⬅️ Виды работ",
        "refused": "Ваша роль этого не позволяет.",
    },
}


async def _owner(crm, user_id: int, language: str):
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(user_id, "Ольга", None, None, "ru"))
    if language == "en":
        await services.users.set_language(owner, "en")
    return await services.users.identify(TelegramProfile(user_id, "Ольга", None, None, "ru"))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_owner_defines_a_checklist_in_the_chat(crm, language):
    x = TEXTS[language]
    olga = crm.emulator.user(7821, "Ольга", language_code="ru")
    await create_org(olga)
    owner = await _owner(crm, 7821, language)

    await olga.send("/checklist")
    listed = await olga.reply()
    assert listed.text.startswith(x["head"]) and "Уборка (0)" in listed.labels
    await olga.tap("Уборка (0)", message=listed)
    shown = await olga.wait_edit(listed.message_id)
    assert shown.text.startswith(x["title"]) and x["empty"] in shown.text
    assert shown.labels == [x["add"], x["back"]]

    await olga.tap(x["add"], message=shown)
    asked = await olga.reply()
    assert asked.text.startswith(x["ask"])
    await olga.send("Очень длинный пункт " * 10)
    assert reason_of(await olga.reply(), asked) == x["long"]  # asked again, in one message
    await olga.send("Счётчик  воды")
    await olga.reply()
    await olga.tap(x["required"])
    await olga.reply()
    await olga.tap(x["number"])
    assert x["unit"] in (await olga.reply()).text
    await olga.send("м³")
    added = await olga.reply()
    assert added.text.startswith(x["added"]) and "1. 🔢 Счётчик воды, м³ *" in added.text
    assert added.labels[0] == "🗑 1. Счётчик воды"

    await olga.tap(x["add"], message=added)
    await olga.reply()
    await olga.send("Фото щитка")
    await olga.reply()
    await olga.tap(x["optional"])
    await olga.reply()
    await olga.tap(x["photo"])  # no unit asked for a photo
    added = await olga.reply()
    assert "1. 🔢 Счётчик воды, м³ *\n2. 📷 Фото щитка" in added.text

    services = crm.container.services
    found = await services.checklists.overview(owner)
    cleaning = next(f.category for f in found if f.category.name == "Уборка")
    kept = await services.checklists.template(owner, cleaning.id)
    assert [(i.text, i.kind, i.required, i.unit) for i in kept] == [
        ("Счётчик воды", ItemKind.NUMBER, True, "м³"),
        ("Фото щитка", ItemKind.PHOTO, False, None),
    ]

    await olga.tap("🗑 1. Счётчик воды", message=added)
    removed = await olga.wait_edit(added.message_id)
    assert "1. 📷 Фото щитка" in removed.text and "Счётчик" not in removed.text
    assert [i.text for i in await services.checklists.template(owner, cleaning.id)] == [
        "Фото щитка"
    ]
    await olga.tap(x["back"], message=removed)
    back = await olga.wait_edit(removed.message_id)
    assert "Уборка (1)" in back.labels

    token = await invite_link(olga, "Работник" if language == "ru" else "Worker")
    ivan = crm.emulator.user(7822, "Ivan", language_code=language)
    await onboard(ivan, language, payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send("/checklist")
    assert (await ivan.reply()).text == x["refused"]
