"""Issue 20, item 4 through the bot: the client declines a total changed on site, in Telegram
(a Russian client) and on the order's page (an English client); the staff's cards show it
at once (redrawn in the answer's unit of work), the assignee and the owner are told once
each, and Done says what staff can do next."""

from __future__ import annotations

import httpx

from tests.e2e.test_client_link import _team
from tests.e2e.test_line_items import NONCE, _approvals_on
from tests.e2e.test_line_items import crm as crm
from tests.e2e.test_on_my_way import _link, _linked_client, _today_order


async def _line_added(crm, ids, language):
    """Ivan started order №1 and added "replace tap, 1 x 1 500"; the client was told."""
    olga, ivan = await _team(crm, ids[:2])
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, ids[2], language=language)
    await _approvals_on(crm, ids[2])
    await ivan.tap("▶️ Start", message=ivans)
    ivans = await ivan.wait_edit(ivans.message_id)
    await ivan.tap("➕ Add line", message=ivans)
    await ivan.reply()
    await ivan.send("replace tap, 1 x 1 500")
    await olga.reply()
    told = await petr.reply()
    assert "Saved: order №1" in (await ivan.reply()).text
    ivans = await ivan.wait_edit(ivans.message_id)
    assert "Waiting for the client" in ivans.text
    return olga, ivan, petr, ivans, told


async def test_a_russian_client_declines_the_new_total_in_telegram(crm):
    olga, ivan, petr, ivans, told = await _line_added(crm, (7721, 7722, 7723), "ru")
    assert told.labels == ["✅ Подтвердить", "✖️ Отклонить"]
    await petr.tap("✖️ Отклонить", message=told)
    answered = await petr.wait_edit(told.message_id)
    assert answered.text.endswith("✖️ Вы отклонили новую сумму 5\u00a0000\u00a0₽. С вами свяжутся.")
    assert answered.labels == []
    ivans = await ivan.wait_edit(ivans.message_id)  # redrawn by the answer itself
    assert "The client declined the new total of 5,000" in ivans.text
    crm.clock.advance(seconds=1)
    assert "The client declined the new total of order №1" in (await ivan.reply()).text
    assert "Клиент отклонил новую сумму заказа №1" in (await olga.reply()).text
    await ivan.tap("✅ Done", message=ivans)
    refused = await ivan.callback_answer()
    assert refused.startswith("The client declined the new total of order №1.")
    assert "or cancel the order" in refused


async def test_an_english_client_declines_the_new_total_on_the_page(crm):
    olga, ivan, _, ivans, told = await _line_added(crm, (7731, 7732, 7733), "en")
    assert told.labels == ["✅ Approve", "✖️ Decline"]
    link = await _link(crm, 7733)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        order = await uow.orders.by_number(link.organization_id, 1)
    issued = await services.client_loop.issue_page(link.organization_id, link.client_id, order.id)
    base = crm.settings.public_base_url
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{base}/c/{issued.token}", headers={"Accept-Language": "en"})
        assert 'data-testid="decline"' in page.text
        nonce = NONCE.search(page.text).group(1)
        declined = await web.post(
            f"{base}/c/{issued.token}/decline",
            data={"nonce": nonce, "total": str(order.approval_minor), "lang": "en"},
        )
    assert declined.status_code == 200
    assert "You declined the new total. The organization will get in touch." in declined.text
    assert 'data-testid="decline"' not in declined.text
    ivans = await ivan.wait_edit(ivans.message_id)
    assert "The client declined the new total of 5,000" in ivans.text
    crm.clock.advance(seconds=1)
    assert "The client declined the new total of order №1" in (await ivan.reply()).text
    assert "Клиент отклонил новую сумму заказа №1" in (await olga.reply()).text


async def test_the_worker_changes_a_quantity_and_removes_a_line(crm):
    olga, ivan, petr, ivans, told = await _line_added(crm, (7741, 7742, 7743), "ru")
    assert "🧾 Lines" in ivans.labels
    await ivan.tap("🧾 Lines", message=ivans)
    view = await ivan.reply()
    assert view.text.startswith("🧾 Lines of order №1:\n1. Work as agreed · 1 × 3,500")
    assert "2. replace tap · 1 × 1,500\u00a0RUB = 1,500\u00a0RUB" in view.text
    assert view.labels == ["✏️ 1. Work as agreed", "🗑 1", "✏️ 2. replace tap", "🗑 2"]

    await ivan.tap("✏️ 2. replace tap", message=view)
    asked = await ivan.reply()
    assert "Line “replace tap” of order №1: now 1. The new quantity?" in asked.text
    await ivan.send("2")
    notice = await olga.reply()  # the owner: the usual notice, in Russian
    assert notice.text.startswith("🧾 Ivan Petrov изменил(а) строки заказа:")
    assert "replace tap · 2 × 1\u00a0500\u00a0₽ = 3\u00a0000\u00a0₽" in notice.text
    assert "💰 6\u00a0500\u00a0₽" in notice.text
    told = await petr.reply()  # the client: as for an added line, asked again
    assert "сумма теперь 6\u00a0500\u00a0₽" in told.text
    assert told.labels == ["✅ Подтвердить", "✖️ Отклонить"]
    assert "Saved: order №1" in (await ivan.reply()).text

    await ivan.tap("🧾 Lines", message=await ivan.wait_edit(ivans.message_id))
    view = await ivan.reply()
    await ivan.tap("🗑 2", message=view)
    sure = await ivan.wait_edit(view.message_id)
    assert sure.text.startswith("🗑 Remove line 2 of order №1?")
    assert sure.labels == ["🗑 Yes, remove", "⬅️ Back"]
    await ivan.tap("🗑 Yes, remove", message=sure)
    ivan.forge_callback(sure.message_id, sure.buttons[0][0][1])  # a double tap
    assert await ivan.callback_answer() == "This line is no longer on the order."
    after = await ivan.wait_edit(view.message_id)
    assert after.labels == ["✏️ 1. Work as agreed", "🗑 1"]
    assert "💰 Total: 3,500" in after.text and "replace tap" not in after.text
    notice = await olga.reply()
    assert "💰 3\u00a0500\u00a0₽" in notice.text and "replace tap" not in notice.text
    told = await petr.reply()
    assert "сумма теперь 3\u00a0500\u00a0₽" in told.text
    crm.clock.advance(seconds=1)
    await petr.tap("✅ Подтвердить", message=told)
    await petr.wait_edit(told.message_id)
    ivans = await ivan.wait_edit(ivans.message_id)
    await ivan.tap("✅ Done", message=ivans)
    assert "Done" in (await ivan.wait_edit(ivans.message_id)).text

    await ivan.tap("🗑 1", message=after)  # the list from before Done
    refused = await ivan.callback_answer()
    if refused is None:  # answered empty past the grace on a loaded machine (bot/answers.py):
        refused = (await ivan.reply()).text  # the refusal then comes as a message
    assert refused == (
        "Order №1 is done and its invoice issued: its lines can no longer be changed."
    )
    link = await _link(crm, 7743)
    async with crm.container.services.client_loop._uow() as uow:
        order = await uow.orders.by_number(link.organization_id, 1)
    assert order.price_minor == 350000 and order.line_count == 1
