"""Dates on order cards show the year whenever it is not the current year in the
organization's zone, as the confirmation card does: "пт 15 янв. 2027, 12:00"."""

from datetime import UTC, datetime

from core.domain import Order, OrderStatus, Organization, User
from core.views import ClientCard, ClientView, OrderCard
from handlers.formatting import when
from handlers.i18n import Catalogs
from handlers.orders.cards import client_text, order_text
from handlers.orders.lists import order_line

MOSCOW = "Europe/Moscow"
NOW = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)
ORG = Organization(1, "Чистый дом", MOSCOW, "RUB", "ru", "RU")
OLGA = User(1, 101, "Ольга", None, None, "ru", "ru", 1, NOW, NOW, "1")


def _card(scheduled_at: datetime, now: datetime | None = NOW) -> OrderCard:
    order = Order(
        1, 1, 7, None, None, OrderStatus.NEW, None, None, None, scheduled_at, None, None, 0,
        None, None, 1, NOW,
    )  # fmt: skip
    return OrderCard(order, ORG, None, None, None, (), OLGA, now=now)


def test_an_order_next_year_shows_its_year_on_the_card():
    text = order_text(Catalogs().get("ru"), _card(datetime(2027, 1, 15, 9, tzinfo=UTC)))
    assert "🕒 пт 15 янв. 2027, 12:00" in text, text
    text = order_text(Catalogs().get("en"), _card(datetime(2025, 12, 1, 9, tzinfo=UTC)))
    assert "🕒 Mon 1 Dec 2025, 12:00" in text, text


def test_an_order_this_year_shows_no_year():
    text = order_text(Catalogs().get("ru"), _card(datetime(2026, 3, 10, 9, tzinfo=UTC)))
    assert "🕒 вт 10 мар., 12:00" in text, text


def test_the_year_is_the_organizations_not_utcs():
    t = Catalogs().get("en")
    new_year_in_moscow = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)  # 1 Jan 2027, 01:00 there
    assert when(t, datetime(2027, 1, 5, 9, tzinfo=UTC), MOSCOW, new_year_in_moscow) == (
        "Tue 5 Jan, 12:00"
    )
    assert when(t, datetime(2027, 1, 5, 9, tzinfo=UTC), MOSCOW, NOW) == "Tue 5 Jan 2027, 12:00"


def test_lists_and_the_clients_card_show_another_years_orders_with_the_year():
    t, card = Catalogs().get("ru"), _card(datetime(2027, 1, 15, 9, tzinfo=UTC))
    assert "пт 15 янв. 2027, 12:00" in order_line(t, card, NOW)
    view = ClientView(3, "Пётр", ("+79161234567",), None, None, True)
    client = ClientCard(view, (card.order,), now=NOW)
    assert "№7 · пт 15 янв. 2027, 12:00" in client_text(t, client, "RUB", MOSCOW)
