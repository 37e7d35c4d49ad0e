"""A rescheduled order's notice tells the assignee the time it had before, not only the new one
(the card shows the new time)."""

from tests.e2e.scenario import assigned_order

CLIENT = ("+7 916 555 44 21", "Пётр Сидоров", "Москва, Тверская, 1")


async def _reschedule(owner, typed: str) -> None:
    await owner.send("/order 1")
    await owner.tap("🕒 Перенести", message=await owner.reply())
    await owner.reply()
    await owner.send(typed)
    assert "Сохранено" in (await owner.reply()).text


async def test_the_assignee_hears_the_old_time_and_the_new(crm):
    olga, ivan, _card = await assigned_order(crm, (1301, 1302), CLIENT)
    await _reschedule(olga, "05.03 12:00")
    first = await ivan.reply()
    assert first.text.startswith("🕒 Ольга moved the order:"), first.text  # it had no time
    await _reschedule(olga, "06.03 15:00")
    moved = await ivan.reply()
    assert moved.text.startswith("🕒 Ольга moved the order from Thu 5 Mar, 12:00:"), moved.text
    assert "Fri 6 Mar, 15:00" in moved.text
