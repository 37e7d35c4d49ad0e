"""The client's confirmation, move and cancellation messages (issue 19, item 4): the template
in the client's language with the order as the client sees it, the price only when shown, and
the .ics with one UID, SEQUENCE from the order's history and CANCEL for a cancellation."""

from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar

from core.client_loop.confirm import (
    ClientDraft,
    invitation_for,
    invitation_json,
    invitation_of,
    moved_from,
    sequence_of,
    view_values_for,
)
from core.client_loop.model import ClientLoopSettings, MessageKind
from core.client_loop.templates import default
from core.client_loop.views import client_order_view
from core.domain import Order, OrderEvent, OrderStatus, Organization, User
from handlers.client_loop.confirm import client_text, ics_name
from handlers.i18n import escape
from integrations.ical import invitation_ics

ORG = Organization(7, "Чистый дом", "Europe/Moscow", "RUB", "ru", "RU")
AT = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
NOW = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)
IVAN = User(21, 1021, "Иван Петрович", "Сидоров", "nick", "ru", "ru", 7, None, None, None)


def _order(**changes) -> Order:
    values = {
        "id": 11, "organization_id": ORG.id, "number": 5, "client_id": 3, "category_id": None,
        "status": OrderStatus.ASSIGNED, "address": "ул. Ленина, 1", "latitude": None,
        "longitude": None, "scheduled_at": AT, "assignee_id": 21, "price_minor": 350000,
        "paid_minor": 0, "payment_method": None, "description": "Помыть окна",
        "created_by": 20, "created_at": NOW,
    }  # fmt: skip
    return Order(**(values | changes))  # type: ignore[arg-type]


def _draft(kind, language="ru", settings=ClientLoopSettings(), order=None, was=None, seq=0):
    order = order or _order()
    view = client_order_view(order, 3, ORG, settings, IVAN if order.assignee_id else None)
    values = view_values_for(view, "Анна Петровна", ORG.timezone, was)
    invitation = invitation_for(order, view, ORG.timezone, seq, NOW)
    return ClientDraft(
        ORG.id, 3, order.id, kind, 1003, language, default(kind, language), values, view,
        invitation,
    )  # fmt: skip


def test_a_confirmation_in_russian_with_the_price_and_the_first_name():
    text = client_text(_draft(MessageKind.CONFIRMATION), "3 500 ₽")
    assert text.splitlines() == [
        "Чистый дом: ваш заказ записан на 05.03.2026 в 10:00.",
        "ул. Ленина, 1",
        "Помыть окна",
        "Мастер: Иван",
        "Стоимость: 3 500 ₽",
    ]
    assert "Сидоров" not in text and "Петрович" not in text


def test_english_without_prices_or_an_assignee_drops_those_lines():
    hidden = ClientLoopSettings(show_prices=False)
    draft = _draft(MessageKind.CONFIRMATION, "en", hidden, _order(assignee_id=None))
    text = client_text(draft, "3,500 ₽")
    assert text.startswith("Чистый дом: your order is booked for 05.03.2026 at 10:00.")
    assert "Price" not in text and "3,500" not in text and "Specialist" not in text


def test_a_move_names_the_old_time_and_a_cancellation_the_time():
    was = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    moved = client_text(_draft(MessageKind.RESCHEDULED, was=was), None)
    assert moved.startswith("Чистый дом: визит перенесён с 04.03.2026 15:00 на 05.03.2026 в 10:00")
    cancelled = client_text(_draft(MessageKind.CANCELLED, "en"), None)
    assert cancelled == "Чистый дом: your order for 05.03.2026 at 10:00 is cancelled."


def test_sequence_and_the_old_time_come_from_the_history():
    def event(i, kind, data):
        return OrderEvent(i, 11, 20, kind, data, NOW.replace(minute=i))

    history = [
        event(1, "created", {}),
        event(2, "reschedule", {"from": None, "to": AT.isoformat()}),
        event(3, "assign", {}),
        event(4, "reschedule", {"from": AT.isoformat(), "to": NOW.isoformat()}),
    ]
    kinds = [e.kind for e in history]
    assert sequence_of(kinds[:1], False) == 0
    assert sequence_of(kinds, False) == 2 and sequence_of(kinds, True) == 3
    assert moved_from(history) == AT and moved_from(history[:2]) is None


def test_the_ics_request_then_cancel_with_the_same_uid():
    draft = _draft(MessageKind.CONFIRMATION)
    assert ics_name(draft) == "order-5.ics"
    invitation = invitation_of(invitation_json(draft.invitation))
    assert invitation == draft.invitation  # what the outbox row carries writes the same file
    calendar = Calendar.from_ical(invitation_ics(invitation))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert str(event["UID"]) == "order-11@o7.calendar.astracrm.app"
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert event["DTSTART"].dt.strftime("%H:%M") == "10:00"
    assert str(event["LOCATION"]) == "ул. Ленина, 1"
    assert str(event["SUMMARY"]) == "Чистый дом: Помыть окна"
    assert "Иван" not in invitation_ics(invitation).decode()  # no staff in the file

    gone = _draft(MessageKind.CANCELLED, order=_order(status=OrderStatus.CANCELLED), seq=1)
    calendar = Calendar.from_ical(invitation_ics(gone.invitation))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == "order-11@o7.calendar.astracrm.app"
    assert replace(gone.invitation, sequence=0).uid == draft.invitation.uid


def test_free_text_of_the_card_never_breaks_the_calendar_file():
    """A description on several lines, a tab in the address, a long text: the file is still
    written (a change must not fail for the client's calendar)."""
    order = _order(description="Помыть окна\nи балкон\t" + "x" * 400, address="ул.\tЛенина,\n1")
    draft = _draft(MessageKind.CONFIRMATION, order=order)
    calendar = Calendar.from_ical(invitation_ics(draft.invitation))
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Чистый дом: Помыть окна и балкон x")
    assert len(str(event["SUMMARY"])) <= 250
    assert str(event["LOCATION"]) == "ул. Ленина,\n1"


def test_a_long_description_is_cut_to_one_telegram_message():
    order = _order(description="<" * 5000)
    text = client_text(_draft(MessageKind.CONFIRMATION, order=order), None)
    assert len(escape(text)) <= 4096 and text.endswith("…") and text.startswith("Чистый дом")
