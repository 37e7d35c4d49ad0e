"""Issue 20, item 9: Start and Done keep their own time when they reach the bot late; the
history shows it, how late it came, and the travel time from "On my way" to Start."""

from datetime import UTC, datetime, timedelta

from core.domain import OrderEvent, Organization, User
from core.orders.times import (
    ON_THE_WAY_EVENT,
    acted_at,
    event_data,
    happened_at,
    travel_minutes,
    with_trip,
)
from handlers.i18n import Catalogs
from handlers.orders.history import history_text

ORG = Organization(1, "Чистый дом", "Europe/Moscow", "RUB", "ru", "RU")
IVAN = User(2, 200, "Ivan", None, None, "en", "en", 1, None, None, None)
NOW = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)  # 11:00 in Moscow


def test_an_action_counts_from_its_own_time_when_it_is_believable():
    late = NOW - timedelta(minutes=40)
    assert acted_at(late, NOW) == late
    assert acted_at(None, NOW) == NOW
    assert acted_at(NOW + timedelta(seconds=5), NOW) == NOW  # a clock ahead of ours
    assert acted_at(NOW - timedelta(hours=25), NOW) == NOW  # older than Telegram keeps updates


def test_only_a_late_action_is_noted_late():
    assert event_data(NOW - timedelta(minutes=40, seconds=30), NOW)["late_min"] == 40
    assert "late_min" not in event_data(NOW - timedelta(seconds=50), NOW)
    assert event_data(NOW, NOW) == {"at": NOW.isoformat()}


def test_travel_is_from_on_my_way_to_start():
    set_off = NOW - timedelta(minutes=65)
    assert travel_minutes(set_off, NOW - timedelta(minutes=40)) == 25
    assert travel_minutes(None, NOW) is None
    assert travel_minutes(NOW, NOW - timedelta(minutes=1)) is None  # started before setting off


def _history(language: str) -> list[str]:
    set_off = NOW - timedelta(minutes=65)
    started = NOW - timedelta(minutes=40)
    assigned = set_off - timedelta(minutes=5)
    assign = OrderEvent(1, 7, None, "assign", {"from": "new", "to": "assigned"}, assigned)
    start_data = {"from": "assigned", "to": "in_progress", **event_data(started, NOW)}
    start = OrderEvent(2, 7, IVAN.id, "start", start_data, NOW)
    events = with_trip([assign, start], set_off, IVAN.id)
    assert [e.kind for e in events] == ["assign", ON_THE_WAY_EVENT, "start"]
    assert happened_at(events[2]) == started
    people = [None, IVAN, IVAN]
    shown = list(zip(events, people, strict=True))
    return history_text(Catalogs().get(language), shown, ORG).splitlines()


def test_the_history_shows_the_own_time_the_travel_and_the_lateness_in_russian():
    lines = _history("ru")
    assert "09:55" in lines[2] and "Ivan выезжает к клиенту («Еду»)" in lines[2], lines
    assert "10:20" in lines[3] and "Ivan начинает работу" in lines[3], lines  # not 11:00
    assert "(в пути 25 мин; дошло до бота с опозданием 40 мин)" in lines[3], lines


def test_the_history_shows_the_own_time_the_travel_and_the_lateness_in_english():
    lines = _history("en")
    assert "Ivan set off to the client (On my way)" in lines[2], lines
    assert "10:20" in lines[3] and "Ivan started" in lines[3], lines
    assert "(on the way 25 min; reached the bot 40 min late)" in lines[3], lines
