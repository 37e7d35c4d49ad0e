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
