"""An offer to all that nobody took: when it needs the leads (a pure rule of plain values), its
ledger key, and the alert as they read it in both languages."""

from datetime import UTC, datetime, timedelta

from core.notifications.rules import OFFER_WAIT, OfferItem, untaken_key
from core.notifications.schedule import untaken_due
from handlers.i18n import Catalogs
from handlers.notifications.work_messages import untaken_view

OFFERED = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
WAIT = timedelta(minutes=15)


def test_due_the_wait_after_the_offer():
    assert untaken_due(OFFERED, OFFERED + timedelta(hours=3), WAIT) == OFFERED + WAIT
    assert untaken_due(OFFERED, None, WAIT) == OFFERED + WAIT  # an order with no time yet


def test_due_at_the_start_when_the_order_starts_sooner():
    starts = OFFERED + timedelta(minutes=5)
    assert untaken_due(OFFERED, starts, WAIT) == starts


def test_an_order_offered_after_its_start_waits_the_whole_time():
    assert untaken_due(OFFERED, OFFERED - timedelta(hours=1), WAIT) == OFFERED + WAIT
    assert untaken_due(OFFERED, OFFERED, WAIT) == OFFERED + WAIT


def test_the_default_wait_is_a_quarter_of_an_hour():
    assert OFFER_WAIT == WAIT


def test_the_key_names_the_order_the_lead_and_the_offer():
    assert untaken_key(12, 9, OFFERED) == "untaken:12:9:20261127T0700"
    again = OFFERED + timedelta(hours=2)  # offered again later: a new alert is due then
    assert untaken_key(12, 9, again) != untaken_key(12, 9, OFFERED)


def _item(**fields) -> OfferItem:
    values = dict(
        order_id=12, organization_id=1, number=4, offered_at=OFFERED,
        scheduled_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC), client="Пётр <Сидоров>",
        category="Уборка",
    )  # fmt: skip
    values.update(fields)
    return OfferItem(**values)


def _data(item: OfferItem) -> dict:
    return {"zone": "Europe/Moscow", "item": item.as_data()}


def test_the_item_survives_the_job_payload():
    assert OfferItem.from_data(_item().as_data()) == _item()
    assert OfferItem.from_data(_item(scheduled_at=None).as_data()).scheduled_at is None


def test_the_alert_offers_to_assign_in_russian_and_english():
    text, markup = untaken_view(Catalogs().get("ru"), _data(_item()))
    assert text.startswith(
        "📣 Заказ №4 никто не взял: он предложен всем работникам в <b>10:00</b>."
    )
    assert "🕒 сб 28 нояб., 12:00" in text and "👤 Пётр &lt;Сидоров&gt;" in text
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert [(b.text, b.callback_data) for b in buttons] == [
        ("👷 Назначить", "ow:12"),
        ("Открыть №4", "o:12"),
    ]
    text, _ = untaken_view(Catalogs().get("en"), _data(_item(scheduled_at=None)))
    assert "Nobody has taken order №4, offered to all workers at <b>10:00</b>." in text
    assert "🕒 Not scheduled" in text
