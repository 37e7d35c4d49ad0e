"""Issue 19, item 5: a client cancelling from a reminder with a reason of their own. "Other
reason" asks them to type it (the question is kept in dialog_state); an empty or too long
text is asked again; the typed reason, cleaned of invisible and control characters, cancels
the order, the client gets the cancellation with METHOD:CANCEL and the manager and the
assignee are told the reason at once. A command instead of the reason ends the question, and
the next text goes to the business as usual. Russian and English, on the e2e frozen clock."""

from __future__ import annotations

from sqlalchemy import select

from core.client_loop.page import REASON_MAX
from storage.tables import DialogStateRow
from tests.e2e.test_client_confirmation import _ics, _linked, _log
from tests.e2e.test_client_link import _team
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_client_reminders import _look

crm = link_crm


async def _dialogs(crm, telegram_id: int) -> list[tuple[str, str]]:
    table = DialogStateRow.__table__
    async with crm.container.engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.flow, table.c.step).where(table.c.chat_id == telegram_id)
        )
        return [(r.flow, r.step) for r in rows]


async def test_a_russian_client_types_the_reason(crm):
    olga, ivan = await _team(crm, (7401, 7402))
    petr = await _linked(crm, olga, ivan, 7403)
    assert await _look(crm) == 1
    reminder = await petr.reply()
    await petr.tap("✖️ Отменить визит", message=reminder)
    reasons = await petr.reply()
    assert reasons.labels[-1] == "✍️ Другая причина"
    await petr.tap("✍️ Другая причина", message=reasons)
    asked = await petr.wait_edit(reasons.message_id)
    assert "напишите причину одним сообщением" in asked.text and asked.labels == []
    assert await _dialogs(crm, 7403) == [("client_cancel", "reason")]

    await petr.send("\u200b \u202e ")  # nothing but invisible characters
    assert "напишите причину словами" in (await petr.reply()).text
    await petr.send("х" * (REASON_MAX + 1))
    assert f"можно не больше {REASON_MAX}" in (await petr.reply()).text
    assert await _dialogs(crm, 7403) == [("client_cancel", "reason")]  # still asked

    await petr.send("Уезжаю\u202e в\u200b командировку\x07 🚗")
    done = await petr.reply()
    assert "Визит отменён" in done.text
    cancelled = await petr.reply()
    assert "отменён" in cancelled.text
    calendar, _ = _ics(crm, cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    alert = await olga.reply()
    assert "Клиент отменил заказ №1" in alert.text
    assert "«Уезжаю в командировку 🚗»" in alert.text, alert.text
    assert "«Уезжаю в командировку 🚗»" in (await ivan.reply()).text
    assert await _dialogs(crm, 7403) == []
    log = await _log(crm, 7403)
    (incoming,) = [m for m in log if m.kind == "cancelled" and m.direction == "in"]
    assert incoming.body == "Уезжаю в командировку 🚗"
    await olga.send("/order 1")
    assert "Отменён" in (await olga.reply()).text

    # The next text is a message to the business, not a reason.
    await petr.send("А можно на следующей неделе?")
    assert "передано" in (await petr.reply()).text


async def test_an_english_client_types_the_reason_and_a_command_ends_the_question(crm):
    olga, ivan = await _team(crm, (7411, 7412))
    peter = await _linked(crm, olga, ivan, 7413, language="en")
    assert await _look(crm) == 1
    reminder = await peter.reply()
    await peter.tap("✖️ Cancel visit", message=reminder)
    reasons = await peter.reply()
    assert reasons.labels == [
        "My plans have changed", "The time does not suit me", "I no longer need it",
        "✍️ Other reason",
    ]  # fmt: skip
    await peter.tap("✍️ Other reason", message=reasons)
    asked = await peter.wait_edit(reasons.message_id)
    assert "Please write the reason in one message." in asked.text
    await peter.send("/help")
    await peter.reply()
    assert await _dialogs(crm, 7413) == []  # the question ended
    await peter.send("Is the time still 10:00?")
    assert "passed on" in (await peter.reply()).text

    await peter.tap("✖️ Cancel visit", message=reminder)
    reasons = await peter.reply()
    await peter.tap("✍️ Other reason", message=reasons)
    await peter.wait_edit(reasons.message_id)
    await peter.send("  Moving to another\ncity  ")
    assert "Your visit is cancelled" in (await peter.reply()).text
    cancelled = await peter.reply()
    assert str(_ics(crm, cancelled)[0]["METHOD"]) == "CANCEL"
    relayed = await olga.reply()  # the question Peter wrote after /help
    assert "Is the time still 10:00?" in relayed.text
    alert = await olga.reply()
    assert "Клиент отменил заказ №1" in alert.text and "«Moving to another city»" in alert.text
