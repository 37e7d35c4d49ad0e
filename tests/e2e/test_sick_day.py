"""Issue 20, item 11 through the bot: a worker (English) taps "I can't work today" on the
morning plan; the owner (Russian) gets the orders it leaves, each with the workers free then,
fewest orders that day first, and gives each away with one tap; /availability in Russian
(days off, the owner told no orders are affected) and English (hours); assigning an order on
the card warns of a clash and still assigns."""

from __future__ import annotations

import pytest

from bot.local import LocalBot
from core.clock import FixedClock
from tests.e2e.conftest import make_settings
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of
from tests.e2e.test_notifications import actor, moscow, order, tick

SICK = "🤒 I can't work today"


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = FixedClock(moscow(7))  # Friday 27 November 2026, 07:00 in Moscow
    local = LocalBot(make_settings(db_url, tmp_path), clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def _crew(crm):
    """Ольга (owner, Russian); Ivan and Boris (English) and Анна (Russian), workers."""
    olga = crm.emulator.user(8301, "Ольга", language_code="ru")
    await create_org(olga)
    people = []
    for telegram_id, name, language in ((8302, "Ivan", "en"), (8303, "Анна", "ru"),
                                        (8304, "Boris", "en")):  # fmt: skip
        token = await invite_link(olga, "Работник")
        person = crm.emulator.user(telegram_id, name, language_code=language)
        await onboard(person, language, payload=token)
        await person.reply()
        await olga.reply()
        people.append(person)
    return olga, *people


async def test_a_sick_day_from_the_plan_and_one_tap_reassignments(crm):
    olga, ivan, anna, boris = await _crew(crm)
    owner = await actor(crm, olga)
    ivans, boriss = await actor(crm, ivan), await actor(crm, boris)
    first = await order(crm, owner, moscow(11), ivans)
    await order(crm, owner, moscow(15), ivans, address="Москва, Арбат, 5")
    await order(crm, owner, moscow(12), boriss, address="Москва, Тверская, 7")
    assert await tick(crm, moscow(8)) >= 2  # the plans
    plan = await ivan.reply()
    assert "№3" in (await boris.reply()).text  # his plan
    assert "Your plan for" in plan.text and SICK in plan.labels, plan.labels

    await ivan.tap(SICK, message=plan)
    told = await ivan.reply()
    assert "Get well!" in told.text and "2 orders" in told.text, told.text
    head = await olga.reply()
    assert head.text == "🤒 Ivan сегодня не может работать (больничный).", head.text
    one, two = await olga.reply(), await olga.reply()
    assert one.text.startswith("Заказ №1,") and "11:00" in one.text, one.text
    assert one.labels == [
        "Анна · заказов в этот день: 0",
        "Boris · заказов в этот день: 1",
        "📋 Открыть заказ",
    ]
    assert two.text.startswith("Заказ №2,") and two.labels[0].startswith("Анна")
    await ivan.tap(SICK, message=plan)  # again: nothing new for anyone
    assert await ivan.callback_answer() == "Today is already marked as a sick day."

    await olga.tap("Анна · заказов в этот день: 0", message=one)
    assert await olga.callback_answer() == "Передано."
    notice = await anna.reply()
    assert "№1" in notice.text, notice.text
    await olga.tap("Boris · заказов в этот день: 1", message=two)
    assert "№2" in (await boris.reply()).text
    async with crm.container.services.orders._uow() as uow:
        assignees = [(await uow.orders.get(owner.organization.id, first.id)).assignee_id]
    assert assignees == [(await actor(crm, anna)).user.id]
    await olga.send("/help")  # a message after everything the taps sent
    await olga.reply()
    assert sum("🤒 Ivan" in m.text for m in olga.messages()) == 1  # told once


async def test_availability_in_both_languages_and_the_assignment_warning(crm):
    olga, _, anna, boris = await _crew(crm)
    owner, boriss = await actor(crm, olga), await actor(crm, boris)

    await anna.send("/availability")
    shown = await anna.reply()
    assert "Ваш график" in shown.text and "Нерабочих дней не запланировано." in shown.text
    await anna.tap("🏖 Добавить нерабочие дни", message=shown)
    days = await anna.reply()
    assert "10.03-20.03" in days.text and "В какие дни" in days.text
    await anna.send("32.11")
    reason = reason_of(await anna.reply(), days)  # asked again, in one message
    assert "Напишите день или период" in reason
    await anna.send("30.11-04.12")
    saved = await anna.reply()
    assert saved.text.startswith("Сохранено: вы не работаете 30 нояб."), saved.text
    told = await olga.reply()
    assert told.text.startswith("🏖 Анна не работает 30 нояб.") and "Заказов" in told.text
    await anna.send("/availability")
    listed = await anna.reply()
    assert "• 30 нояб. – 4 дек. · выходной или отпуск" in listed.text, listed.text
    await anna.tap(next(lbl for lbl in listed.labels if lbl.startswith("✖️")), message=listed)
    assert await anna.callback_answer() == "Убрано."

    await boris.send("/availability")
    english = await boris.reply()
    assert "Your availability" in english.text and "(the organization's)" in english.text
    await boris.tap("🕘 Working hours", message=english)
    await boris.reply()
    await boris.send("10-19 1-5")
    assert (
        "Saved. Your working hours: 10:00–19:00, Mon, Tue, Wed, Thu, Fri."
        in (await boris.reply()).text
    )

    await order(crm, owner, moscow(12), boriss, address="Москва, Тверская, 7")
    await order(crm, owner, moscow(12, 30), address="Москва, Арбат, 5")  # №2, unassigned
    await olga.send("/order 2")
    card = await olga.reply()
    await olga.tap("👷 Назначить", message=card)
    workers = await olga.reply()
    await olga.tap(next(lbl for lbl in workers.labels if lbl.startswith("Boris")), workers)
    warning = await olga.reply()
    assert warning.text.splitlines() == [
        "⚠️ Boris в это время:",
        "• занят заказом №1 в 12:00",
        "Заказ всё равно назначен; при необходимости измените.",
    ], warning.text
    assert "№2" in (await boris.reply()).text  # assigned anyway


async def test_create_and_assign_warns_when_the_worker_is_away(crm):
    olga, ivan, _, _ = await _crew(crm)
    await crm.container.services.availability.sick_today(await actor(crm, ivan), moscow(7).date())
    await olga.send("/neworder")
    for typed in ("+7 916 555 44 71", "Анна Петрова", "Москва, Тверская, 7"):
        await olga.reply()
        await olga.send(typed)
    for label in ("Уборка", "Сегодня", "12:00"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.send("3500")
    await olga.reply()
    await olga.tap("Пропустить")
    confirm = await olga.reply()
    await olga.tap("👷 Создать и назначить…", message=confirm)
    whom = await olga.reply()
    await olga.tap(next(lbl for lbl in whom.labels if lbl.startswith("Ivan")), message=whom)
    done = await olga.reply()
    assert done.text.startswith("Заказ №1 создан и назначен: Ivan."), done.text
    await olga.reply()  # the card
    warning = await olga.reply()
    assert warning.text.splitlines()[:2] == [
        "⚠️ Ivan в это время:",
        "• не работает (больничный)",
    ], warning.text
