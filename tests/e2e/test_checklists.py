"""Issue 20, item 7 through the bot, in Russian and English: the category «Уборка» has a
checklist with two required items; the worker's card of an order of that category has
"☑️ Checklist", Done is refused naming what is still missing, the worker ticks items with
the buttons (the message redraws with the count), and Done closes the order once every
required item is ticked. The order keeps its copy when the category's checklist changes."""

from __future__ import annotations

import pytest

from core.checklists.model import ItemKind, NewItem
from core.domain import TelegramProfile
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of
from tests.e2e.test_client_talk import PNG
from tests.e2e.test_on_my_way import _today_order

ITEMS = (
    NewItem(text="Вынести мусор", required=True),
    NewItem(text="Протереть зеркала", required=True),
    NewItem(text="Полить цветы"),
    NewItem(text="Счётчик воды", kind=ItemKind.NUMBER, required=True, unit="м³"),
)
TEXTS = {
    "en": {
        "start": "▶️ Start",
        "done": "✅ Done",
        "list": "☑️ Checklist",
        "missing": "Order №1 is not done yet. Still missing:\n",
        "count": "☑️ Checklist of order №1 ({n}/4)",
        "ask": "🔢 Order №1: type the number for “Счётчик воды” (м³)",
        "saved": "Saved: Счётчик воды: 12345.6 м³. Checklist of order №1: 3/4.",
        "closed": "Done",
    },
    "ru": {
        "start": "▶️ Начать",
        "done": "✅ Готово",
        "list": "☑️ Чек-лист",
        "missing": "Заказ №1 ещё нельзя закрыть. Не хватает:\n",
        "count": "☑️ Чек-лист заказа №1 ({n}/4)",
        "ask": "🔢 Заказ №1: введите число для «Счётчик воды» (м³)",
        "saved": "Сохранено: Счётчик воды: 12345.6 м³. Чек-лист заказа №1: 3/4.",
        "closed": "Выполнен",
    },
}


async def _team(crm, ids, language):
    olga = crm.emulator.user(ids[0], "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(ids[1], "Ivan Petrov", language_code=language)
    await onboard(ivan, language, payload=token)
    await ivan.reply()
    await olga.reply()
    return olga, ivan


async def _define(crm, owner_id: int, items) -> None:
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(owner_id, "Ольга", None, None, "ru"))
    assert owner.organization is not None
    async with services.client_loop._uow() as uow:
        categories = await uow.categories.listing(owner.organization.id)
    cleaning = next(c for c in categories if c.name == "Уборка")
    await services.checklists.define(owner, cleaning.id, items)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_required_checklist_keeps_the_order_open_until_complete(crm, language):
    x = TEXTS[language]
    olga, ivan = await _team(crm, (7801, 7802), language)
    await _define(crm, 7801, ITEMS)
    _, ivans = await _today_order(olga, ivan)
    await _define(crm, 7801, (NewItem(text="Другое", required=True),))  # the order keeps its copy
    await ivan.tap(x["start"], message=ivans)
    ivans = await ivan.wait_edit(ivans.message_id)
    assert x["list"] in ivans.labels

    await ivan.tap(x["done"], message=ivans)
    refused = await ivan.callback_answer()
    assert refused == x["missing"] + "• Вынести мусор\n• Протереть зеркала\n• Счётчик воды"

    await ivan.tap(x["list"], message=ivans)
    listed = await ivan.reply()
    assert listed.text.startswith(x["count"].format(n=0))
    assert listed.labels == [
        "☐ Вынести мусор *",
        "☐ Протереть зеркала *",
        "☐ Полить цветы",
        "🔢 Счётчик воды *",
    ]
    await ivan.tap("☐ Вынести мусор *", message=listed)
    listed = await ivan.wait_edit(listed.message_id)
    assert listed.text.startswith(x["count"].format(n=1))
    assert listed.labels[0] == "☑️ Вынести мусор *"

    await ivan.tap(x["done"], message=ivans)
    assert await ivan.callback_answer() == x["missing"] + "• Протереть зеркала\n• Счётчик воды"
    await ivan.tap("☐ Протереть зеркала *", message=listed)
    listed = await ivan.wait_edit(listed.message_id)
    assert listed.text.startswith(x["count"].format(n=2))
    await ivan.tap(x["done"], message=ivans)
    assert await ivan.callback_answer() == x["missing"] + "• Счётчик воды"
    await ivan.tap("🔢 Счётчик воды *", message=listed)
    asked = await ivan.reply()
    assert asked.text.startswith(x["ask"])
    await ivan.send("двенадцать")
    assert "12345,6" in reason_of(await ivan.reply(), asked)  # not a number: the example
    await ivan.send("12 345,6")
    assert (await ivan.reply()).text == x["saved"]

    await ivan.tap(x["done"], message=ivans)
    done = await ivan.wait_edit(ivans.message_id)
    assert x["closed"] in done.text and x["start"] not in done.labels


PHOTO_TEXTS = {
    "en": {
        "list": "☑️ Checklist",
        "ask": "📷 Order №1: send a photo for “Фото счётчика”.",
        "again": "Send a photo of this order for this item.",
        "saved": "📷 Photo saved for “Фото счётчика”. Checklist of order №1: 1/2.",
        "file": "📎 Saved to order №1: now 2 photos.",
        "missing": "Order №1 is not done yet. Still missing:\n• Вынести мусор",
    },
    "ru": {
        "list": "☑️ Чек-лист",
        "ask": "📷 Заказ №1: пришлите фото для «Фото счётчика».",
        "again": "Пришлите фото по этому заказу для этого пункта.",
        "saved": "📷 Фото сохранено для «Фото счётчика». Чек-лист заказа №1: 1/2.",
        "file": "📎 Сохранено в заказ №1: теперь 2 фото.",
        "missing": "Заказ №1 ещё нельзя закрыть. Не хватает:\n• Вынести мусор",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_photo_item_takes_the_next_photo_sent(crm, language):
    """A tap on a photo item asks for the photo; typed text asks again; the next photo answers
    the item (kept on the order) with the count; a later photo is an ordinary file again."""
    x = PHOTO_TEXTS[language]
    olga, ivan = await _team(crm, (7811, 7812), language)
    photo_item = NewItem(text="Фото счётчика", kind=ItemKind.PHOTO, required=True)
    await _define(crm, 7811, (photo_item, NewItem(text="Вынести мусор", required=True)))
    _, ivans = await _today_order(olga, ivan)
    await ivan.tap(TEXTS[language]["start"], message=ivans)
    ivans = await ivan.wait_edit(ivans.message_id)
    await ivan.tap(x["list"], message=ivans)
    listed = await ivan.reply()
    assert listed.labels == ["📷 Фото счётчика *", "☐ Вынести мусор *"]

    await ivan.tap("📷 Фото счётчика *", message=listed)
    asked = await ivan.reply()
    assert asked.text.startswith(x["ask"])
    await ivan.send("вот")
    assert reason_of(await ivan.reply(), asked) == x["again"]  # text is not a photo
    await ivan.send_photo(PNG)
    assert (await ivan.reply()).text == x["saved"]
    await ivan.tap(x["list"], message=ivans)
    listed = await ivan.reply()
    assert listed.labels == ["☑️ Фото счётчика *", "☐ Вынести мусор *"]
    answers = await _answers(crm, 7812)
    assert answers.items[0].attachment_id is not None and answers.items[0].done_by is not None

    await ivan.send_photo(PNG + b"\x00")  # the conversation is over: a file of the order
    assert (await ivan.reply()).text.startswith(x["file"])
    assert (await _answers(crm, 7812)).items[0].attachment_id == answers.items[0].attachment_id
    await ivan.tap(TEXTS[language]["done"], message=ivans)
    assert await ivan.callback_answer() == x["missing"]  # the photo item counts as answered


async def _answers(crm, user_id: int):
    """The worker's view of order №1's checklist, read through the service."""
    services = crm.container.services
    ivan = await services.users.identify(TelegramProfile(user_id, "Ivan", None, None, "ru"))
    async with services.client_loop._uow() as uow:
        order = await uow.orders.by_number(ivan.organization.id, 1)
    return await services.checklists.answers(ivan, order.id)
