"""Issue 19, item 5, in Telegram: a linked client gets the reminder the day before at 18:00 (the
organization's zone) with Confirm / Reschedule / Cancel, once however often the scheduler
looks; confirming keeps the buttons; rescheduling offers free times and the choice moves the
order (the client's confirmation and .ics with SEQUENCE 1 follow; the assignee and the manager
hear the old and new time); the moved order is reminded again; cancelling asks a reason and
tells the manager at once; an old reminder or a forged button gets nothing. Russian and
English, on the e2e frozen clock (Wednesday 4 March 2026)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select, update

from core.client_loop.model import ClientLoopSettings
from core.client_loop.reminders import REMINDER_JOB
from storage.tables import JobRow
from tests.e2e.scenario import next_with
from tests.e2e.test_client_confirmation import _ics, _linked, _log, _quiet
from tests.e2e.test_client_link import _client_link, _team
from tests.e2e.test_client_link import crm as link_crm

crm = link_crm
TWO_HOURS_BEFORE = datetime(2026, 3, 5, 5, 0, tzinfo=UTC)  # Thursday 08:00 in Moscow
EVE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 18:00 in Moscow; order №1 Thursday 10:00


async def _look(crm) -> int:
    crm.clock.set(EVE)
    return await crm.app.bot_data.background.scheduler.run_once()


async def _redeliver(crm) -> None:
    """Make the finished reminder job pending again and wake the runners."""
    job = JobRow.__table__
    async with crm.container.engine.begin() as connection:
        done = await connection.execute(
            update(job)
            .where(job.c.kind == REMINDER_JOB)
            .values(status="pending", run_at=crm.clock.now(), locked_by=None)
        )
        assert done.rowcount == 1
    crm.app.bot_data.background.wake()
    for _ in range(100):
        async with crm.container.engine.connect() as connection:
            status = (
                await connection.execute(select(job.c.status).where(job.c.kind == REMINDER_JOB))
            ).scalar()
        if status == "done":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the redelivered reminder job is {status}")


async def test_a_russian_client_confirms_moves_and_cancels_from_the_reminder(crm):
    olga, ivan = await _team(crm, (7301, 7302))
    petr = await _linked(crm, olga, ivan, 7303)
    await _quiet(petr)
    assert await _look(crm) == 1
    reminder = await petr.reply()
    assert "напоминаем о визите завтра, 05.03.2026 в 10:00" in reminder.text
    assert "Сухонская" in reminder.text and "/c/" not in reminder.text
    assert reminder.labels == ["✅ Подтвердить", "🔁 Перенести", "✖️ Отменить визит"]
    assert await _look(crm) == 0  # the next look: nothing twice
    await _redeliver(crm)  # the job again, as after a lost lease: the log says sent
    await _quiet(petr, seconds=0.5)

    await petr.tap("✅ Подтвердить", message=reminder)
    confirmed = await petr.wait_edit(reminder.message_id)
    assert "Спасибо! Визит" in confirmed.text and "подтверждён" in confirmed.text
    assert confirmed.labels == reminder.labels  # it can still be moved or cancelled
    log = await _log(crm, 7303)
    assert any(m.kind == "confirmation" and m.direction == "in" for m in log)
    await olga.send("/order 1")
    card = await olga.reply()
    assert "✅ Клиент подтвердил (ср 4 мар., 18:00)" in card.text, card.text

    await petr.tap("🔁 Перенести", message=confirmed)
    times = await petr.reply()
    assert "Выберите новое время" in times.text and times.labels
    first = times.labels[0]
    assert "09:00" in first  # Thursday 09:00: Ivan's only order is at 10:00
    await petr.tap(first, message=times)
    moved = await petr.wait_edit(times.message_id)
    assert "визит перенесён" in moved.text and moved.labels == []
    text = await petr.reply()  # the client's confirmation of the move, as after a staff move
    assert "перенесён" in text.text and "05.03.2026 в 09:00" in text.text
    calendar, event = _ics(crm, text)
    assert int(event["SEQUENCE"]) == 1 and event["DTSTART"].dt.strftime("%H:%M") == "09:00"
    told_ivan = await ivan.reply()
    assert "The client moved order №1" in told_ivan.text and "10:00" in told_ivan.text
    told_olga = await olga.reply()
    assert "Клиент перенёс заказ №1" in told_olga.text and "09:00" in told_olga.text

    await olga.send("/order 1")
    assert "Клиент подтвердил" not in (await olga.reply()).text  # the new time is not confirmed

    # The first reminder is about 10:00 now gone: its buttons say so and change nothing.
    await petr.tap("✖️ Отменить визит", message=reminder)
    old = await petr.wait_edit(reminder.message_id)
    assert "напоминание устарело" in old.text and old.labels == []

    # The moved order is reminded again, for its new time.
    assert await _look(crm) == 1
    again = await petr.reply()
    assert "05.03.2026 в 09:00" in again.text
    await petr.tap("✖️ Отменить визит", message=again)
    reasons = await petr.reply()
    assert reasons.labels[0] == "Изменились планы"
    await petr.tap("Изменились планы", message=reasons)
    done = await petr.wait_edit(reasons.message_id)
    assert "Визит отменён" in done.text
    cancelled = await petr.reply()
    assert "отменён" in cancelled.text
    calendar, event = _ics(crm, cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    alert = await olga.reply()
    assert "Клиент отменил заказ №1" in alert.text and "«Изменились планы»" in alert.text
    assert "The client cancelled order №1" in (await ivan.reply()).text


async def test_an_english_client_and_buttons_that_are_not_theirs(crm):
    olga, ivan = await _team(crm, (7311, 7312))
    peter = await _linked(crm, olga, ivan, 7313, language="en")
    assert await _look(crm) == 1
    reminder = await peter.reply()
    assert "a reminder of your visit tomorrow, 05.03.2026 at 10:00" in reminder.text
    assert reminder.labels == ["✅ Confirm", "🔁 Reschedule", "✖️ Cancel visit"]
    ((link, org),) = await _client_link(crm, 7313)
    data = reminder.buttons[0][0][1]
    _, org_id, order_id, at, _ = data.split(":")
    for forged in (
        f"cv:{org_id}:{int(order_id) + 1}:{at}:c",  # an order that is not his
        f"cv:{int(org_id) + 1}:{order_id}:{at}:x",  # another organization
        f"cvs:{org_id}:{int(order_id) + 1}:{at}:{int(at) + 60}",
    ):
        peter.forge_callback(reminder.message_id, forged)
        assert await peter.callback_answer() == "This button is not for you.", forged
    await peter.tap("🔁 Reschedule", message=reminder)
    times = await peter.reply()
    assert "Choose a new time" in times.text
    await peter.tap(times.labels[0], message=times)
    moved = await peter.wait_edit(times.message_id)
    assert "your visit is moved to" in moved.text
    assert org.id == int(org_id) and link.client_id


async def test_the_two_hour_reminder_in_english_when_the_organization_asks(crm):
    olga, ivan = await _team(crm, (7321, 7322))
    peter = await _linked(crm, olga, ivan, 7323, language="en")
    ((link, org),) = await _client_link(crm, 7323)
    async with crm.container.services.client_loop._uow() as uow:
        await uow.client_loop.save_settings(
            org.id, ClientLoopSettings(reminder_2h=True), crm.clock.now()
        )
        await uow.commit()
    crm.clock.set(EVE)
    assert await crm.app.bot_data.background.scheduler.run_once() == 1  # the day before
    await next_with(peter, "a reminder of your visit tomorrow")
    crm.clock.set(TWO_HOURS_BEFORE)  # Ivan's morning plan is due then too
    assert await crm.app.bot_data.background.scheduler.run_once() >= 1
    soon = await peter.reply()
    assert "we will be with you today at 10:00" in soon.text
    assert soon.labels == ["✅ Confirm", "🔁 Reschedule", "✖️ Cancel visit"]
    assert await crm.app.bot_data.background.scheduler.run_once() == 0
    assert link.client_id
