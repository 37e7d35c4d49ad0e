"""Issue 20, items 1-2 (docs/recurring.md): pausing a series that cancels several visits tells
the assignee and the Telegram client once each, not once per visit: the worker gets one
summary naming every cancelled visit, the client one `series_changed` message listing their
dates, each in their own language (Russian and English); the owner's own answer is as
before. A new time from a visit on ("this and following") is told the same way."""

from __future__ import annotations

import asyncio

import pytest

from core.changes import OrgChange
from core.client_loop.model import Channel, MessageKind
from core.client_loop.providers import SMS_SECRET, sms_json, sms_settings
from core.domain import TelegramProfile
from tests.e2e.test_checklists import _team
from tests.e2e.test_kill import until
from tests.e2e.test_on_my_way import _linked_client, _log_of, _today_order, sms_crm

__all__ = ["sms_crm"]  # the fixture: the bot with client SMS going to a local SMS.ru
PHONE = "+79161234567"  # Пётр's, as `_today_order` types it

TEXTS = {
    "en": {
        "staff": "🔁 Ольга changed 4 visits of a recurring series:",
        "cancelled": ": cancelled",
        "client": "Чистый дом: your recurring visits have changed:",
        "staff_moved": "🔁 Ольга changed 3 visits of a recurring series:",
        "new_time": ": the new time",
    },
    "ru": {
        "staff": "🔁 Ольга изменил(а) 4 визита регулярной серии:",
        "cancelled": ": отменён",
        "client": "Чистый дом: изменилось расписание ваших регулярных визитов:",
        "staff_moved": "🔁 Ольга изменил(а) 3 визита регулярной серии:",
        "new_time": ": новое время",
    },
}


async def _settled(*people, seconds=0.5) -> None:
    """Wait until these people get nothing more for a while."""
    while True:
        before = [len(p.messages()) for p in people]
        await asyncio.sleep(seconds)
        if [len(p.messages()) for p in people] == before:
            return


async def _series(crm, ids, language):
    """Olga's order №1 today at 12:00 for Пётр (linked in Telegram), assigned to Ivan, made
    weekly for four visits; everyone's messages settled. Returns the people and the card."""
    olga, ivan = await _team(crm, ids[:2], language)
    card, _ = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, ids[2], language)
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
    return olga, ivan, petr, series_card


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pausing_a_series_tells_the_worker_and_the_client_once(crm, language):
    x = TEXTS[language]
    olga, ivan, petr, series_card = await _series(crm, (7831, 7832, 7833), language)
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


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_time_from_a_visit_on_tells_the_worker_and_the_client_once(crm, language):
    """ "This and following" with a new time from visit №2: the worker gets one summary with
    the three moved visits (new and old time), the client one message with their new times."""
    x = TEXTS[language]
    olga, ivan, petr, _ = await _series(crm, (7841, 7842, 7843), language)
    ivan_seen, petr_seen = len(ivan.messages()), len(petr.messages())
    await olga.send("/order 2")
    second = await olga.reply()
    await olga.tap("🔁 Серия", message=second)
    menu = await olga.reply()
    await olga.tap("✏️ Этот и следующие", message=menu)
    await olga.reply()
    await olga.tap("🕒 Время")
    await olga.reply()
    await olga.send("15:00")
    assert "3" in (await olga.reply()).text  # "3 visits of the series changed"
    await _settled(olga, ivan, petr)

    (summary,) = ivan.messages()[ivan_seen:]
    lines = summary.text.split("\n")
    assert lines[0] == x["staff_moved"], summary.text
    assert [line.split(":")[0] for line in lines[1:]] == ["🕒 №2", "🕒 №3", "🕒 №4"]
    assert all("15:00" in line and "12:00" in line for line in lines[1:]), summary.text
    (told,) = petr.messages()[petr_seen:]
    told_lines = told.text.split("\n")
    assert told_lines[0] == x["client"], told.text
    assert len(told_lines) == 4
    assert all(line.endswith("15:00" + x["new_time"]) for line in told_lines[1:]), told.text


MORE = {"en": "… and 1 more", "ru": "… и ещё 1"}
CANCELLED = {"en": "12:00: cancelled", "ru": "12:00: отменён"}
SMS_TEXTS = {
    "ru": "Чистый дом: изменилось расписание ваших регулярных визитов:",
    "en": "Чистый дом: your recurring visits have changed:",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_client_reached_by_sms_gets_one_sms_for_an_ended_series(sms_crm, language):
    """A client not in Telegram, reached by SMS: ending the series sends one SMS in the
    organization's language listing the cancelled visits, logged as `series_changed`."""
    crm = sms_crm
    ids = {"en": 7851, "ru": 7861}[language]
    olga, ivan = await _team(crm, (ids, ids + 1), language)
    card, _ = await _today_order(olga, ivan)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        org_id = (await uow.users.by_telegram_id(ids)).active_org_id
        await uow.orgs.update(org_id, OrgChange(language=language))
        await uow.commit()
        order = await uow.orders.by_number(org_id, 1)
    owner = await services.users.identify(TelegramProfile(ids, "Ольга", language_code="ru"))
    await services.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    await olga.tap("🔁 Повторять", message=card)
    await olga.reply()
    await olga.tap("Еженедельно")
    await olga.reply()
    await olga.tap("1")
    days = await olga.reply()
    await olga.tap(days.labels[0])
    await olga.reply()
    await olga.send("3")
    await olga.reply()
    series_card = await olga.reply()
    await _settled(olga, ivan)
    before = len(crm.sms.received(PHONE))

    await olga.tap("🔁 Серия", message=series_card)
    menu = await olga.reply()
    await olga.tap("⏹ Завершить серию", message=menu)
    await olga.reply()
    await olga.tap("Да, завершить")
    await olga.reply()
    await until(lambda: len(crm.sms.received(PHONE)) > before, "the series SMS")
    await _settled(olga, ivan)
    (sms,) = crm.sms.received(PHONE)[before:]  # one SMS, not one per visit
    first, *visits = sms.text.split("\n")
    assert first == SMS_TEXTS[language], sms.text
    # two SMS segments (Cyrillic: 134 characters) take whole lines only, then a count
    assert len(sms.text) <= 134 and visits[-1] == MORE[language], sms.text
    assert all(v.startswith("• ") and v.endswith(CANCELLED[language]) for v in visits[:-1])
    logged = [(m.kind, m.channel) for m in await _log_of(crm, org_id, order.client_id)]
    assert logged.count((MessageKind.SERIES_CHANGED, Channel.SMS)) == 1
