"""An order's history reads as sentences in the reader's language, whatever the event."""

from datetime import UTC, datetime

import pytest

from core.domain import OrderEvent, Organization, User
from handlers.i18n import Catalogs
from handlers.orders.history import history_text

ORG = Organization(1, "Чистый дом", "Europe/Moscow", "RUB", "ru", "RU")
ANNA = User(1, 100, "Анна", None, None, "ru", "ru", 1, None, None, None)
AT = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)


def _line(kind: str, data: dict, language: str = "ru") -> str:
    event = OrderEvent(1, 7, ANNA.id, kind, data, AT)
    return history_text(Catalogs().get(language), [(event, ANNA)], ORG).splitlines()[-1]


@pytest.mark.parametrize(
    ("kind", "data", "russian"),
    [
        ("file", {"kind": "photo"}, "Анна прикрепляет фото"),
        ("file", {"kind": "document"}, "Анна прикрепляет документ"),
        ("file", {"kind": "voice"}, "Анна прикрепляет голосовое сообщение"),
        ("file", {}, "Анна прикрепляет файл"),
        ("call", {"summary": "просит перезвонить"}, "Анна привязывает звонок: просит перезвонить"),
    ],
)
def test_attachments_and_calls_are_sentences_in_russian(kind, data, russian):
    line = _line(kind, data)
    assert line.endswith(russian), line  # the same tense as the rest of the history
    assert kind not in line


def test_attachments_read_in_english_too():
    assert _line("file", {"kind": "photo"}, "en").endswith("Анна attached a photo")


def test_what_a_client_did_on_the_order_page_reads_as_the_clients():
    confirmed = OrderEvent(1, 7, None, "client_confirmed", {"by": "client"}, AT)
    data = {"from": "assigned", "to": "cancelled", "by": "client", "reason": "<уехал> & всё"}
    cancelled = OrderEvent(2, 7, None, "cancel", data, AT)
    events = [(confirmed, None), (cancelled, None)]
    russian = history_text(Catalogs().get("ru"), events, ORG).splitlines()
    assert russian[1].endswith("Клиент подтверждает визит на странице заказа"), russian
    assert "Клиент отменяет заказ на странице заказа: «&lt;уехал&gt; &amp; всё»" in russian[2]
    english = history_text(Catalogs().get("en"), events, ORG).splitlines()
    assert english[1].endswith("the client confirmed the visit on the order page"), english


def test_line_changes_and_the_clients_answers_read_with_the_total():
    added = OrderEvent(1, 7, ANNA.id, "line", {"from": 300000, "to": 450000}, AT)
    removed = OrderEvent(2, 7, ANNA.id, "line_edit", {"from": 450000, "to": None}, AT)
    declined = OrderEvent(
        3, 7, None, "total_declined", {"by": "telegram", "total_minor": 450000}, AT
    )
    events = [(added, ANNA), (removed, ANNA), (declined, None)]
    russian = history_text(Catalogs().get("ru"), events, ORG).splitlines()
    assert russian[1].endswith("Анна добавляет строку, сумма теперь 4\u00a0500\u00a0₽"), russian
    assert russian[2].endswith("Анна меняет строки, сумма теперь —")
    assert russian[3].endswith("Клиент отклоняет новую сумму 4\u00a0500\u00a0₽")
    english = history_text(Catalogs().get("en"), events, ORG).splitlines()
    assert english[3].endswith("the client declined the new total of 4,500\u00a0RUB"), english
