"""Every staff copy of an order card follows a change made in a conversation, the acting
person's own copies included: the owner reschedules (typed time), the worker adds a line on
site (typed), the worker records a cash payment after Done. The owner's card, the worker's
assignment notice and the card the worker opened with /order are edited in place; the only
new messages are the conversations' own and the notices the change calls for (counted)."""

from __future__ import annotations

import asyncio

from tests.e2e.scenario import assigned_order, until_shown

CLIENT = ("+7 916 555 44 71", "Пётр Сидоров", "Москва, Тверская, 1")


async def test_every_staff_copy_of_the_card_follows_changes_made_in_a_conversation(crm):
    olga, ivan, notice = await assigned_order(crm, (1931, 1932), CLIENT, price="3500")
    await olga.send("/order 1")
    owners = await olga.reply()
    await ivan.send("/order 1")
    opened = await ivan.reply()
    copies = ((olga, owners), (ivan, notice), (ivan, opened))

    async def counted(expected_olga: int, expected_ivan: int, *shown: tuple[str, str]) -> None:
        for (person, card), text in zip(copies, shown, strict=True):
            await until_shown(person, card.message_id, text)
        await asyncio.sleep(0.3)
        assert (len(olga.messages()), len(ivan.messages())) == (expected_olga, expected_ivan)

    seen = len(olga.messages()), len(ivan.messages())
    await olga.tap("🕒 Перенести", message=owners)
    await olga.reply()
    await olga.send("05.03 12:00")
    assert "Сохранено: заказ №1" in (await olga.reply()).text
    assert "moved the order" in (await ivan.reply()).text
    # the owner: the question and "Saved"; the worker: the notice
    await counted(seen[0] + 2, seen[1] + 1, "чт 5 мар., 12:00", "Thu 5 Mar, 12:00", "Thu 5 Mar")

    await ivan.tap("▶️ Start", message=opened)
    await ivan.tap("▶️ Yes, start now", message=await ivan.reply())
    await until_shown(ivan, opened.message_id, "In progress")
    seen = len(olga.messages()), len(ivan.messages())
    await ivan.tap("➕ Add line", message=opened)
    await ivan.reply()
    await ivan.send("replace tap, 1 x 1500")
    assert "добавил(а) строку" in (await olga.reply()).text
    assert "Saved: order №1" in (await ivan.reply()).text
    # the owner: the notice; the worker: the question and "Saved"
    await counted(seen[0] + 1, seen[1] + 2, "replace tap", "replace tap", "replace tap")

    await ivan.tap("✅ Done", message=opened)
    asked = await ivan.reply()
    assert "Was a payment received?" in asked.text
    seen = len(olga.messages()), len(ivan.messages())
    await ivan.tap("💰 Record payment", message=asked)
    await ivan.reply()
    await ivan.send("5000")
    methods = await ivan.reply()
    await ivan.tap(next(label for label in methods.labels if "ash" in label), message=methods)
    assert "Saved: order №1" in (await ivan.reply()).text
    # the owner: nothing new; the worker: the amount, the method and "Saved"
    await counted(seen[0], seen[1] + 3, "(наличные)", "(cash)", "(cash)")
