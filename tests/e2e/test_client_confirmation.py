"""Issue 19, item 4: a client linked in Telegram who said yes to order updates gets one message
when their order is booked, moved or cancelled, with the visit's .ics invitation (one UID,
SEQUENCE up by one each time, METHOD:CANCEL at the end); a client who said no, sent /stop or is
not linked gets nothing, and staff get what they got before."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.local import LocalBot
from core.client_loop.model import ClientLoopSettings, DeliveryStatus
from sandbox.emulator import EmulatorServer, TelegramEmulator
from tests.e2e.conftest import make_settings
from tests.e2e.privacy_scenario import document_bytes
from tests.e2e.processes import Process
from tests.e2e.test_client_link import (
    INVITE_RU,
    _client_link,
    _invite,
    _order,
    _team,
)
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_kill import TOKEN, _bot, until

crm = link_crm  # the linking tests' bot, on their frozen clock (Wednesday 4 March, 09:30)

YES_RU = "✅ Да, присылайте новости о заказах"


async def _linked(crm, olga, ivan, telegram_id, language="ru", yes=True):
    """Order №1 for Пётр (assigned to Ivan), then Пётр links his Telegram from its card."""
    card, _ = await _order(olga, ivan)
    _, token, _ = await _invite(olga, INVITE_RU, card)
    petr = crm.emulator.user(telegram_id, "Пётр", language_code=language)
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    await petr.tap(welcome.labels[0 if yes else 1], message=welcome)
    await petr.wait_edit(welcome.message_id)
    return petr


async def _reschedule(olga, typed):
    await olga.send("/order 1")
    await olga.tap("🕒 Перенести", message=await olga.reply())
    await olga.reply()
    await olga.send(typed)
    assert "Сохранено" in (await olga.reply()).text


async def _cancel(olga):
    await olga.send("/order 1")
    await olga.tap("✖️ Отменить", message=await olga.reply())
    await olga.tap("Да, отменить заказ", message=await olga.reply())


def _ics(crm, message, number=1):
    assert message.media == "document", message.describe()
    assert message.raw["document"]["file_name"] == f"order-{number}.ics"
    calendar = Calendar.from_ical(document_bytes(crm, message))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


async def _quiet(*people, seconds=0.3):
    """Nothing more comes to these people (the outbox sends right after the commit)."""
    counts = [len(p.messages()) for p in people]
    await asyncio.sleep(seconds)
    assert [len(p.messages()) for p in people] == counts


async def _log(crm, telegram_id):
    (link, org) = (await _client_link(crm, telegram_id))[0]
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        return await uow.client_loop.client_messages(org.id, link.client_id)


async def test_moved_then_cancelled_one_message_and_an_ics_each(crm):
    olga, ivan = await _team(crm, (7201, 7202))
    petr = await _linked(crm, olga, ivan, 7203)
    seen = {p: len(p.messages()) for p in (olga, ivan, petr)}

    await _reschedule(olga, "06.03 15:00")
    text = await petr.reply()  # one message: the .ics captioned with the words
    assert "Чистый дом" in text.text and "перенесён" in text.text
    assert "05.03.2026 10:00" in text.text and "06.03.2026 в 15:00" in text.text
    assert "Сухонская" in text.text and "Мастер: Ivan" in text.text
    for secret in ("Ольга", "Petrov", "+7 916"):
        assert secret not in text.text
    calendar, event = _ics(crm, text)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 1
    uid = str(event["UID"])
    assert uid.startswith("order-") and uid.endswith(".calendar.astracrm.app")
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Moscow"
    assert start.dt.strftime("%d.%m %H:%M") == "06.03 15:00"
    moved = await ivan.reply()  # the assignee's notice, as before
    assert "перенёс" in moved.text or "moved" in moved.text
    await _quiet(petr, ivan)
    assert len(petr.messages()) == seen[petr] + 1
    assert len(ivan.messages()) == seen[ivan] + 1

    await _cancel(olga)
    text = await petr.reply()
    assert "отменён" in text.text and "06.03.2026 в 15:00" in text.text
    calendar, event = _ics(crm, text)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2 and str(event["UID"]) == uid
    await ivan.reply()
    await _quiet(petr, ivan)
    assert len(petr.messages()) == seen[petr] + 2
    assert len(ivan.messages()) == seen[ivan] + 2

    logged = await _log(crm, 7203)
    assert sorted(m.kind.value for m in logged) == ["cancelled", "rescheduled"]
    assert {m.channel.value for m in logged} == {"telegram"}
    for _ in range(50):
        if all(m.status is DeliveryStatus.SENT for m in await _log(crm, 7203)):
            break
        await asyncio.sleep(0.05)
    assert all(m.status is DeliveryStatus.SENT for m in await _log(crm, 7203))


async def test_a_client_who_said_no_or_stopped_gets_nothing(crm):
    olga, ivan = await _team(crm, (7211, 7212))
    petr = await _linked(crm, olga, ivan, 7213, yes=False)
    seen = len(petr.messages())
    await _reschedule(olga, "06.03 15:00")
    await ivan.reply()
    await _quiet(petr)
    assert len(petr.messages()) == seen
    assert await _log(crm, 7213) == []


async def test_a_client_who_sent_stop_gets_nothing(crm):
    olga, ivan = await _team(crm, (7221, 7222))
    petr = await _linked(crm, olga, ivan, 7223)
    await petr.send("/stop")
    await petr.reply()
    seen = len(petr.messages())
    await _cancel(olga)
    await ivan.reply()
    await _quiet(petr)
    assert len(petr.messages()) == seen
    assert await _log(crm, 7223) == []


async def test_an_unlinked_client_gets_nothing_and_nothing_fails(crm):
    olga, ivan = await _team(crm, (7231, 7232))
    await _order(olga, ivan)
    await _reschedule(olga, "06.03 15:00")
    await ivan.reply()
    await _cancel(olga)
    await ivan.reply()
    await _quiet(olga, ivan)


async def _new_order_for_petr(olga, assign_to=None):
    """Order №2 for the known client Пётр Сидоров, tomorrow at 12:00, created (or created and
    assigned to the worker named `assign_to`); the owner's messages are read to the end."""
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("+7 916 123-45-67")
    pick = await olga.reply()
    await olga.tap(next(lbl for lbl in pick.labels if "Пётр" in lbl), message=pick)
    for label in ("Адрес клиента: Москва, ул. Сухонская, 11", "Уборка", "Завтра", "12:00"):
        await olga.tap(label, message=await olga.reply())
    await olga.reply()
    await olga.send("4 000")
    await olga.tap("Пропустить", message=await olga.reply())
    confirm = await olga.reply()
    if assign_to is None:
        await olga.tap("✅ Создать", message=confirm)
    else:
        assign = next(lbl for lbl in confirm.labels if "назнач" in lbl.lower())
        await olga.tap(assign, message=confirm)
        workers = await olga.reply()
        worker = next(lbl for lbl in workers.labels if lbl.startswith(assign_to))
        await olga.tap(worker, message=workers)
    await olga.reply()  # "created"
    await olga.reply()  # the card


async def test_a_new_order_for_a_linked_client_is_confirmed_in_russian(crm):
    olga, ivan = await _team(crm, (7241, 7242))
    petr = await _linked(crm, olga, ivan, 7243)
    seen = {p: len(p.messages()) for p in (olga, ivan, petr)}
    await _new_order_for_petr(olga)
    text = await petr.reply()
    assert text.text.startswith("Чистый дом: ваш заказ записан на 05.03.2026 в 12:00.")
    assert "Сухонская" in text.text and "Уборка" in text.text
    assert "Стоимость: 4 000 ₽" in text.text.replace("\xa0", " ")
    assert "Мастер" not in text.text and "Ольга" not in text.text  # nobody assigned yet
    calendar, event = _ics(crm, text, number=2)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert event["DTSTART"].dt.strftime("%d.%m %H:%M") == "05.03 12:00"
    assert "Сухонская" in str(event["LOCATION"])
    await _quiet(olga, ivan, petr)
    assert len(petr.messages()) == seen[petr] + 1
    assert len(ivan.messages()) == seen[ivan]  # not assigned: no news for the worker
    assert len(olga.messages()) == seen[olga] + 9 + 2  # 9 questions, "created", the card
    (logged,) = await _log(crm, 7243)
    assert logged.kind.value == "confirmation" and logged.order_id is not None


async def test_created_and_assigned_confirmed_once_in_english_without_prices(crm):
    olga, ivan = await _team(crm, (7251, 7252))
    petr = await _linked(crm, olga, ivan, 7253, language="en")
    (_, org) = (await _client_link(crm, 7253))[0]
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        hidden = ClientLoopSettings(show_prices=False)
        await uow.client_loop.save_settings(org.id, hidden, crm.clock.now())
        await uow.commit()
    seen = {p: len(p.messages()) for p in (ivan, petr)}
    await _new_order_for_petr(olga, assign_to="Ivan")
    text = await petr.reply()
    assert text.text.startswith("Чистый дом: your order is booked for 05.03.2026 at 12:00.")
    assert "Specialist: Ivan" in text.text and "Petrov" not in text.text
    assert "Price" not in text.text and "4 000" not in text.text
    _, event = _ics(crm, text, number=2)
    assert int(event["SEQUENCE"]) == 0
    assert "4 000" not in document_bytes(crm, petr.messages()[-1]).decode()
    assigned = await ivan.reply()
    assert "new order" in assigned.text
    await _quiet(ivan, petr)
    assert len(petr.messages()) == seen[petr] + 1
    assert len(ivan.messages()) == seen[ivan] + 1


@pytest.mark.timeout(180)
async def test_a_confirmation_committed_but_not_sent_is_sent_once_after_a_kill(tmp_path, db_url):
    """The client's message is in the outbox with the change: the process is killed while
    Telegram holds it (never delivered); the restarted process sends it and the .ics, once.

    The team, the order and the linked client are set up through an in-process bot without
    flood control (as test_kill_many's setup), not through the process at one message a
    second per chat; the process does its imports meanwhile (held, tests/e2e/processes.py),
    and the one that replaces it does its own while the first works."""
    emulator = TelegramEmulator(TOKEN, bot_username="crm_bot")
    async with EmulatorServer(emulator) as server:
        first = _bot(tmp_path, db_url, server, "first")
        second = _bot(tmp_path, db_url, server, "second")
        try:
            await first.start(held=True)
            local = LocalBot(make_settings(db_url, tmp_path), server=server)
            await local.start_bot()
            try:
                olga, ivan = await _team(_Crm(emulator), (7261, 7262))
                petr = await _linked(_Crm(emulator), olga, ivan, 7263)
            finally:
                await local.stop_bot()
            await _serve(first)
            await first.ready()
            await second.start(held=True)
            seen = len(petr.messages())
            emulator.hold_sends(petr.id)
            await olga.send("/order 1")
            await olga.tap("🕒 Перенести", message=await olga.reply())
            await olga.reply()
            # two days ahead on the organization's wall clock (the process runs on real time)
            day = datetime.now(ZoneInfo("Europe/Moscow")) + timedelta(days=2)
            await olga.send(day.strftime("%d.%m") + " 15:00")
            await until(
                lambda: _documents_to(emulator, petr.id) == 1, "the client's message is sent"
            )
            await first.kill()
            emulator.drop_held(petr.id)
            assert len(petr.messages()) == seen, "the held message must not have been delivered"
            await _serve(second)
            text = await petr.reply(timeout=60)  # the .ics captioned with the words
            await second.ready()
            await asyncio.sleep(1.0)  # a second copy, if any, would arrive meanwhile
        finally:
            await first.stop()
            await second.stop()
        assert "перенесён" in text.text and day.strftime("%d.%m.%Y") in text.text
        assert text.media == "document"
        assert len(petr.messages()) == seen + 1
        assert _documents_to(emulator, petr.id) == 2, "one held and dropped, one delivered"


async def _serve(process: Process) -> None:
    """A held process starts serving once its imports are done."""
    await process.held()
    process.go()


def _documents_to(emulator, chat_id: int) -> int:
    calls = emulator.calls_to("sendDocument")
    return sum(1 for p in calls if str(p.get("chat_id")) == str(chat_id))


class _Crm:
    """What the linking helpers use of a bot under test: its emulator."""

    def __init__(self, emulator):
        self.emulator = emulator
