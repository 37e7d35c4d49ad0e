"""A worker's day in the chat: an early start asks first, /today lists open offers with their
area and time, the client's notes are on the card, and after Done the client's contacts stay
until the order is paid (and a grace period), then go with a sentence saying why."""

from datetime import UTC, datetime

from core.domain import Role, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.e2e.scenario import create_org, invite_link, onboard
from tests.e2e.test_orders import _new_order

TOMORROW_10 = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # Thursday 10:00 in Moscow
TODAY_12 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # the end-to-end day, 12:00 in Moscow
ADDRESS = "Москва, ул. Сухонская, 11, кв. 5"


async def _team(crm):
    olga = crm.emulator.user(731, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(732, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(731, "Ольга", language_code="ru"))
    worker = await services.users.identify(TelegramProfile(732, "Ivan", language_code="en"))
    assert worker.role is Role.WORKER
    return services, owner, worker, ivan


async def _order(services, owner, when, price=None, notes=None):
    client = await services.clients.create(owner, "Пётр Сидоров", "+79161234567", notes=notes)
    draft = OrderDraft(client.id, address=ADDRESS, scheduled_at=when, price_minor=price)
    return await services.orders.create(owner, draft)


async def test_starting_tomorrows_order_asks_first_and_the_card_has_the_notes(crm):
    services, owner, worker, ivan = await _team(crm)
    order = await _order(services, owner, TOMORROW_10, notes="Dog in the yard, call first")
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await ivan.send(f"/order {order.number}")
    card = await ivan.reply()
    assert "Dog in the yard, call first" in card.text and "Сухонская, 11" in card.text
    await ivan.tap("▶️ Start", message=card)
    ask = await ivan.reply()
    assert "planned for Thu 5 Mar, 10:00, not today" in ask.text, ask.text
    assert (await services.orders.card(owner, order.id)).order.status.value == "assigned"
    await ivan.tap("▶️ Yes, start now", message=ask)
    started = await ivan.wait_edit(card.message_id)
    assert "In progress" in started.text, started.text


async def test_a_card_from_today_follows_the_start_tapped_on_it(crm):
    """/today changes nothing, so its answer is sent without the outbox; its cards are still
    remembered, so a tap on one edits it (it stayed "Assigned" with its Start button)."""
    services, owner, worker, ivan = await _team(crm)
    order = await _order(services, owner, TODAY_12)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await ivan.send("/today")
    header, card = await ivan.replies(2)
    assert "Today: 1 order" in header.text, header.text
    assert f"Order №{order.number}" in card.text and "▶️ Start" in card.labels, card.text
    await ivan.tap("▶️ Start", message=card)
    started = await ivan.wait_edit(card.message_id)
    assert "In progress" in started.text and "▶️ Start" not in started.labels, started.text


async def test_today_lists_open_offers_with_the_area_and_time_only(crm):
    services, owner, _, ivan = await _team(crm)
    order = await _order(services, owner, TOMORROW_10, price=350000)
    await services.orders.act(owner, order.id, OrderAction.OFFER)
    await ivan.send("/today")
    assert "Nothing scheduled for today" in (await ivan.reply()).text
    header = await ivan.reply()
    assert "Open offers" in header.text and "1 order to take" in header.text
    offer = await ivan.reply()
    assert "ул. Сухонская" in offer.text and "10:00" in offer.text, offer.text
    assert "11" not in offer.text and "кв. 5" not in offer.text and "916" not in offer.text
    assert "🙋 Take" in offer.labels


async def test_contacts_stay_after_done_until_paid_then_go_with_a_reason(crm):
    services, owner, worker, ivan = await _team(crm)
    order = await _order(services, owner, TODAY_12, price=350000)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await services.orders.act(worker, order.id, OrderAction.START)
    await services.orders.act(worker, order.id, OrderAction.DONE)
    services.clock.advance(days=3)
    await ivan.send(f"/order {order.number}")
    unpaid = await ivan.reply()
    assert "+7 916 123-45-67" in unpaid.text and "Сухонская, 11" in unpaid.text, unpaid.text
    assert "worker who takes the order" not in unpaid.text
    await services.orders.act(
        worker, order.id, OrderAction.PAY, amount_minor=350000, method="cash"
    )
    services.clock.advance(hours=25)
    await ivan.send(f"/order {order.number}")
    closed = await ivan.reply()
    assert "no longer shown: the order is closed" in closed.text, closed.text
    assert "916" not in closed.text and "Сухонская" not in closed.text


async def test_the_first_orders_address_goes_on_the_clients_card(crm):
    olga = crm.emulator.user(741, "Ольга", language_code="ru")
    await create_org(olga)
    await _new_order(olga)
    await olga.send("/client Сидоров")
    found = await olga.reply()
    await olga.tap(found.labels[0], message=found)
    card = await olga.reply()
    assert "📍 Москва, ул. Сухонская, 11 &lt;кв. 5&gt;" in card.html, card.html


async def test_invite_asks_owners_the_role_and_tells_managers_why_only_workers(crm):
    olga = crm.emulator.user(751, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/invite")
    asked = await olga.reply()
    assert asked.labels == ["Работник", "Менеджер"] and "только владелец" not in asked.text
    token = await invite_link(olga, "Менеджер")
    mark = crm.emulator.user(752, "Mark", language_code="en")
    await onboard(mark, "en", payload=token)
    await mark.reply()
    await olga.reply()
    await mark.send("/invite")
    told = await mark.reply()
    assert "only an owner can add a manager" in told.text and told.labels == ["Worker"]
