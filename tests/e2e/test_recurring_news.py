"""Issue 20, items 1-2 (docs/recurring.md): pausing a series that cancels several visits tells
the assignee and the Telegram client once each, not once per visit: the worker gets one
summary naming every cancelled visit, the client one `series_changed` message listing their
dates, each in their own language (Russian and English); the owner's own answer is as
before."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.test_checklists import _team
from tests.e2e.test_on_my_way import _linked_client, _today_order

TEXTS = {
    "en": {
        "staff": "🔁 Ольга changed 4 visits of a recurring series:",
        "cancelled": ": cancelled",
        "client": "Чистый дом: your recurring visits have changed:",
    },
    "ru": {
        "staff": "🔁 Ольга изменил(а) 4 визита регулярной серии:",
        "cancelled": ": отменён",
        "client": "Чистый дом: изменилось расписание ваших регулярных визитов:",
    },
}


async def _settled(*people, seconds=0.5) -> None:
    """Wait until these people get nothing more for a while."""
    while True:
        before = [len(p.messages()) for p in people]
        await asyncio.sleep(seconds)
        if [len(p.messages()) for p in people] == before:
            return


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pausing_a_series_tells_the_worker_and_the_client_once(crm, language):
    x = TEXTS[language]
    olga, ivan = await _team(crm, (7831, 7832), language)
    card, _ = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7833, language)
    await olga.tap("🔁 Повторять", message=card)
    await olga.reply()
    await olga.tap("Еженедельно")
    await olga.reply()
    await olga.tap("1")
    days = await olga.reply()
    await olga.tap(days.labels[0])
    await olga.reply()
    await olga.send("4")  # the order and three more visits
    await olga.reply()
    series_card = await olga.reply()
    await _settled(olga, ivan, petr)
    ivan_seen, petr_seen = len(ivan.messages()), len(petr.messages())

    await olga.tap("🔁 Серия", message=series_card)
    menu = await olga.reply()
    await olga.tap("⏸ Приостановить", message=menu)
    await olga.reply()
    await olga.tap("Да, приостановить")
    assert "4" in (await olga.reply()).text
    await _settled(olga, ivan, petr)

    (summary,) = ivan.messages()[ivan_seen:]  # one message, not one per visit
    lines = summary.text.split("\n")
    assert lines[0] == x["staff"], summary.text
    assert [line.split(",")[0] for line in lines[1:]] == ["✖️ №1", "✖️ №2", "✖️ №3", "✖️ №4"]
    assert all(line.endswith(x["cancelled"]) for line in lines[1:]), summary.text
    (told,) = petr.messages()[petr_seen:]
    told_lines = told.text.split("\n")
    assert told_lines[0] == x["client"], told.text
    assert len(told_lines) == 5 and all(line.startswith("• ") for line in told_lines[1:])
    assert all("12:00" + x["cancelled"] in line for line in told_lines[1:]), told.text
