"""Issue scenario: an order booked for next year shows the year on its card, one this year
does not; the end-to-end clock starts on 4 March 2026."""

from datetime import UTC, datetime

from core.domain import TelegramProfile
from core.orders.service import OrderDraft
from tests.e2e.scenario import create_org


async def test_an_order_next_year_shows_the_year_this_years_does_not(crm):
    olga = crm.emulator.user(8401, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(8401, "Ольга", language_code="ru"))
    client = await services.clients.create(owner, "Пётр Сидоров", None, "Москва, Тверская, 1")
    for at in (datetime(2027, 1, 15, 9, tzinfo=UTC), datetime(2026, 3, 10, 9, tzinfo=UTC)):
        await services.orders.create(owner, OrderDraft(client.id, scheduled_at=at))
    await olga.send("/order 1")
    assert "🕒 пт 15 янв. 2027, 12:00" in (await olga.reply()).text
    await olga.send("/order 2")
    card = (await olga.reply()).text
    assert "🕒 вт 10 мар., 12:00" in card and "2026" not in card, card
