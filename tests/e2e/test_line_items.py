"""Issue 20, items 3 and 4 through the bot, in both languages: the owner keeps the catalogue
with /services (a worker is refused), the assignee adds a line on site from the card (typed
"replace tap, 1 x 1500", or a catalogue item and its quantity), the owner gets the usual
order-change notice with the lines and the new total, the client is told the new total and,
as the organization asks, approves it before Done: with the button in Telegram (a Russian
client) or on the order's page (an English client); Done explains it is waiting until then."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import httpx
import pytest

from tests.e2e.test_client_link import _team
from tests.e2e.test_on_my_way import _link, _linked_client, _today_order

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture
def crm(admin_crm):
    """The bot with its admin app on a free port (the client page)."""
    return admin_crm


async def _approvals_on(crm, telegram_id: int) -> None:
    """The organization asks its clients to approve a total changed on site."""
    link = await _link(crm, telegram_id)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        settings = await uow.client_loop.settings(link.organization_id)
        now = services.clock.now()
        await uow.client_loop.save_settings(
            link.organization_id, replace(settings, approve_total=True), now
        )
        await uow.commit()


async def test_a_typed_line_is_approved_by_a_russian_client_in_telegram(crm):
    olga, ivan = await _team(crm, (7701, 7702))
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7703)
    await _approvals_on(crm, 7703)
    await ivan.tap("▶️ Start", message=ivans)
    ivans = await ivan.wait_edit(ivans.message_id)
    assert "➕ Add line" in ivans.labels
    await ivan.tap("➕ Add line", message=ivans)
    asked = await ivan.reply()
    assert "A line for order №1" in asked.text and "replace tap, 1 x 1500" in asked.text
    await ivan.send("replace tap, 1 x 1 500")

    notice = await olga.reply()  # the owner: the usual notice of a changed order
    assert notice.text.startswith("➕ Ivan Petrov добавил(а) строку в заказ:")
    assert "Работа по договорённости · 1 × 3\u00a0500\u00a0₽ = 3\u00a0500\u00a0₽" in notice.text
    assert "replace tap · 1 × 1\u00a0500\u00a0₽ = 1\u00a0500\u00a0₽" in notice.text
    assert "💰 5\u00a0000\u00a0₽" in notice.text
    assert "Ждём, пока клиент подтвердит новую сумму 5\u00a0000\u00a0₽" in notice.text
    told = await petr.reply()
    assert told.text == (
        "Чистый дом: заказ 1 изменён на месте, сумма теперь 5\u00a0000\u00a0₽.\n\n"
        "Пожалуйста, подтвердите новую сумму кнопкой ниже или отклоните её."
    )
    assert told.labels == ["✅ Подтвердить", "✖️ Отклонить"]
    saved = await ivan.reply()
    assert "Saved: order №1" in saved.text

    ivans = await ivan.wait_edit(ivans.message_id)
    await ivan.tap("✅ Done", message=ivans)
    refused = await ivan.callback_answer()
    assert refused == (
        "Order №1 is waiting for the client to approve its new total. It can be closed as "
        "done once they approve it."
    )

    await petr.tap("✅ Подтвердить", message=told)
    answered = await petr.wait_edit(told.message_id)
    assert answered.text.endswith("✅ Спасибо! Вы подтвердили новую сумму 5\u00a0000\u00a0₽.")
    assert answered.labels == []
    ivans = await ivan.wait_edit(ivans.message_id)  # redrawn by the approval itself
    assert "Waiting for the client" not in ivans.text and "✅ Done" in ivans.labels
    crm.clock.advance(seconds=1)
    assert "The client approved the new total of order №1" in (await ivan.reply()).text
    assert "Клиент подтвердил новую сумму заказа №1" in (await olga.reply()).text

    await ivan.tap("✅ Done", message=ivans)
    done = await ivan.wait_edit(ivans.message_id)
    assert "Done" in done.text


async def test_a_catalogue_line_is_approved_by_an_english_client_on_the_page(crm):
    olga, ivan = await _team(crm, (7711, 7712))
    await olga.send("/services")
    listing = await olga.reply()
    assert "Услуги и материалы" in listing.text and "➕ Материал" in listing.labels
    await olga.tap("➕ Материал", message=listing)
    asked = await olga.reply()
    assert "Новый материал" in asked.text
    seen = len(olga.messages())
    await olga.send("Кабель; м; 300; 20")
    listing = await olga.reply()  # one message: the list, headed by what was saved
    assert listing.text.startswith("Сохранено: Кабель.\n\nУслуги и материалы")
    assert "Кабель — 300\u00a0₽ / м · НДС 20%" in listing.text and "➕ Услуга" in listing.labels
    await asyncio.sleep(0.3)
    assert len(olga.messages()) == seen + 1  # was 2: "Saved", then the list
    await ivan.send("/services")
    assert "does not allow" in (await ivan.reply()).text  # workers are refused

    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7713, language="en")
    await _approvals_on(crm, 7713)
    await ivan.tap("▶️ Start", message=ivans)
    ivans = await ivan.wait_edit(ivans.message_id)
    await ivan.tap("➕ Add line", message=ivans)
    asked = await ivan.reply()
    assert asked.labels == ["Кабель"]
    await ivan.tap("Кабель", message=asked)
    how_many = await ivan.reply()
    assert "How many?" in how_many.text
    await ivan.send("2.5")
    notice = await olga.reply()
    assert "Кабель · 2,5 м × 300\u00a0₽ = 750\u00a0₽" in notice.text
    assert "💰 4\u00a0250\u00a0₽" in notice.text
    told = await petr.reply()
    assert told.text.startswith("Чистый дом: order 1 was changed on site, the total is now")
    assert "4,250" in told.text and told.labels == ["✅ Approve", "✖️ Decline"]
    assert "Saved: order №1" in (await ivan.reply()).text
    ivans = await ivan.wait_edit(ivans.message_id)  # the worker's card: lines, waiting
    assert "Waiting for the client to approve the new total of 4,250" in ivans.text

    link = await _link(crm, 7713)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        order = await uow.orders.by_number(link.organization_id, 1)
    assert order is not None
    issued = await services.client_loop.issue_page(link.organization_id, link.client_id, order.id)
    base = crm.settings.public_base_url
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{base}/c/{issued.token}", headers={"Accept-Language": "en"})
        assert "The total has changed" in page.text and "Кабель · 2.5 м ×" in page.text
        nonce = NONCE.search(page.text).group(1)
        approved = await web.post(
            f"{base}/c/{issued.token}/approve",
            data={"nonce": nonce, "total": str(order.approval_minor), "lang": "en"},
        )
    assert approved.status_code == 200 and "You approved the new total" in approved.text
    ivans = await ivan.wait_edit(ivans.message_id)  # the card, redrawn by the approval
    assert "Waiting for the client" not in ivans.text and "✅ Done" in ivans.labels
    crm.clock.advance(seconds=1)
    assert "The client approved the new total of order №1" in (await ivan.reply()).text
    await ivan.tap("✅ Done", message=ivans)
    done = await ivan.wait_edit(ivans.message_id)
    assert "Done" in done.text
