"""Conversation state as stored: typed data to JSON and back, JSON written before the types
existed, and damaged JSON read as no conversation (never a crash, never its values logged)."""

import json
import logging
from datetime import date, datetime, time

import pytest

from core.dialogs.catalogue_data import LineQuantityData, OrderLineData, ServicePriceData
from core.dialogs.checklist_data import ChecklistItemData, ChecklistNumberData, ChecklistPhotoData
from core.dialogs.client_data import (
    ClientCancelData,
    ClientEditData,
    ClientMergeData,
    ClientReplyData,
    NewClientData,
)
from core.dialogs.data import (
    KINDS,
    Candidate,
    ClientAnswer,
    ClientCompanyData,
    NewOrderData,
    OrderEditData,
    Place,
    ProfileEditData,
    Ref,
    RepeatData,
    RescheduleData,
    SeriesEditData,
    Suggestion,
    When,
    Worker,
    state_from_json,
    state_to_json,
)
from core.dialogs.engine import DialogData, DialogState
from core.dialogs.payment_data import PaymentData, RefundData
from core.dialogs.quote_data import QuoteData, QuoteLine, QuoteQuestionData

# What the code before typed dialog data stored, key for key (a /neworder at its last card).
OLD_NEW_ORDER = {
    "client": {"phone": "+79161234567", "name": "Анна"},
    "today": "2026-03-02",
    "now_local": "2026-03-02T12:00:00",
    "categories": [[1, "Уборка"], [2, "Ремонт"]],
    "may_assign": True,
    "new_phone": "+79161234567",
    "phone_ok": True,
    "phone_checked": True,
    "new_name": "Анна",
    "candidates": [[7, "Анна Петрова", "+79161234567"]],
    "resolved": True,
    "client_pick": "7",
    "client_loaded": 7,
    "client_label": "Анна Петрова",
    "client_address": None,
    "address": {"text": "Тверская 1", "lat": None, "lon": None},
    "suggestions": [["г Москва, ул Тверская, д 1", 55.75, 37.61]],
    "address_pick": "0",
    "category": "1",
    "when": {"day": "2026-03-03", "time": None},
    "time": "10:00:00",
    "price": None,
    "description": "окна",
}
OLD_STATES = [
    ("onboarding", "age", {"invite": "tok", "language": "ru"}),
    ("new_org", "timezone", {"name": "Чистый дом"}),
    ("new_order", "confirm", OLD_NEW_ORDER),
    (
        "payment",
        "method",
        {
            "order_id": 3,
            "number": 12,
            "rest": 350000,
            "currency": "RUB",
            "today": "2026-03-02",
            "now_local": "2026-03-02T12:00:00",
            "amount": 500,
        },
    ),
    (
        "reschedule",
        "when_year",
        {
            "order_id": 3,
            "number": 12,
            "today": "2026-03-02",
            "now_local": "2026-03-02T12:00:00",
            "when": {"day": "2026-01-05", "time": "10:00:00", "next_year": "2027-01-05"},
        },
    ),
    (
        "order_edit",
        "price",
        {
            "order_id": 3,
            "number": 12,
            "field": "price",
            "fields": ["address", "category", "when", "price"],
            "categories": [[1, "Уборка"]],
        },
    ),
    (
        "new_client",
        "same",
        {"name": "Анна", "phone": "8 916 123-45-67", "e164": "+79161234567", "dup": [5, "Анна"]},
    ),
    ("client_edit", "value", {"client_id": 5, "field": "phone"}),
    ("client_merge", "pick", {"client_id": 5, "query": "Анна", "candidates": [[6, "Анна Б"]]}),
]


@pytest.mark.parametrize(("flow", "step", "stored"), OLD_STATES, ids=[s[0] for s in OLD_STATES])
def test_conversations_stored_before_the_types_still_load(flow, step, stored):
    state = state_from_json(flow, step, json.loads(json.dumps(stored)), 4)
    assert state is not None and state.flow == flow and state.step == step and state.version == 4
    again = state_to_json(state.data)
    assert set(again) <= set(stored), "the same keys (what no field reads is dropped)"
    assert state_from_json(flow, step, json.loads(json.dumps(again)), 4) == state


def test_an_old_new_order_reads_as_typed_values():
    state = state_from_json("new_order", "confirm", OLD_NEW_ORDER, 2)
    assert state is not None
    data = state.data
    assert isinstance(data, NewOrderData)
    assert data.today == date(2026, 3, 2) and data.now_local == datetime(2026, 3, 2, 12)
    assert data.when == When(day=date(2026, 3, 3), time=None) and data.time == time(10)
    assert data.candidates == (Candidate(7, "Анна Петрова", "+79161234567"),)
    assert data.suggestions == (Suggestion("г Москва, ул Тверская, д 1", 55.75, 37.61),)
    assert data.categories == (Ref(1, "Уборка"), Ref(2, "Ремонт"))
    assert data.client == ClientAnswer(phone="+79161234567", name="Анна")
    assert data.address == Place(text="Тверская 1") and data.may_assign
    assert data.price is None and data.has("price"), "a skipped price stays answered"
    assert not data.has("assignee")
    assert state_to_json(data)["price"] is None


_NEED_AN_ID = (
    ChecklistNumberData,
    ChecklistPhotoData,
    ChecklistItemData,
    OrderLineData,
    LineQuantityData,
    ServicePriceData,
    PaymentData,
    RescheduleData,
    OrderEditData,
    ClientEditData,
    ProfileEditData,
    ClientMergeData,
    ClientCompanyData,
    ClientReplyData,
    ClientCancelData,
    RefundData,
    RepeatData,
    SeriesEditData,
    QuoteQuestionData,
)


def test_every_kind_round_trips_through_json():
    samples: list[DialogData] = [
        NewOrderData(
            client=ClientAnswer(query="Анна"),
            candidates=(Candidate(7, "Анна", None), Candidate(8, "Анна К", "+79160000000")),
            same_candidate=Candidate(9, "Анна Л"),
            today=date(2026, 12, 31),
            now_local=datetime(2026, 12, 31, 23, 59, 30),
            when=When(day=date(2027, 1, 2), time=time(9, 30), next_year=date(2028, 1, 2)),
            time=time(0, 0),
            address=Place(lat=55.7, lon=37),
            workers=(Worker(4, "Иван", 0),),
            description=None,
            resolved=True,
            blank=frozenset({"description", "client_phone"}),
        ),
        PaymentData(order_id=1, number=2, rest=0, currency="RUB", amount=100, method="cash"),
        RescheduleData(order_id=1, when=When(day=None, time=None)),
        OrderEditData(order_id=1, fields=("price",), field="price", blank=frozenset({"price"})),
        NewClientData(name="Анна", dup=Ref(5, "Анна"), blank=frozenset({"address"})),
        ClientEditData(client_id=5, field="notes", value="дверь справа"),
        ProfileEditData(field="phone", value="+79161234567"),
        ClientMergeData(client_id=5, candidates=(), pick="6"),
        ClientCompanyData(
            client_id=5, offline=True, inn="7730123456", kpp=None, blank=frozenset({"kpp"})
        ),
        ClientReplyData(client_id=5, order_id=None, message_id=9, client_name="Анна", number=3),
        ClientCancelData(org_id=1, order_id=2, at=29_000_000, reason="Уезжаю 🚗"),
        OrderLineData(
            order_id=2,
            number=3,
            language="ru",
            items=(Ref(7, "Смеситель"),),
            line="item:7",
            quantity="2,5 м",
        ),
        ServicePriceData(item_id=7, name="Смеситель", price=150000),
        LineQuantityData(
            order_id=2, line_id=9, number=3, name="", was=2500, language="ru", quantity="3"
        ),
        RefundData(
            order_id=2,
            number=3,
            paid=350000,
            refunded=0,
            left=350000,
            currency="RUB",
            amount=100000,
            sure="yes",
        ),
        RepeatData(
            order_id=3,
            weekday=2,
            start=date(2026, 3, 3),
            freq="weekly",
            days="24",
            interval=2,
            end="until:2026-03-31",
        ),
        SeriesEditData(
            order_id=3,
            field="time",
            time=time(10, 30),
            workers=(Worker(4, "Иван", 1),),
            blank=frozenset({"price"}),
        ),
        ChecklistNumberData(order_id=3, item_id=5, number=1, text="Счётчик", reading="12,5"),
        ChecklistPhotoData(order_id=3, item_id=6, number=1, text="Фото узла", photo=17),
        ChecklistItemData(
            category_id=2,
            name="Уборка",
            text="Счётчик",
            required="yes",
            kind="number",
            blank=frozenset({"unit"}),
        ),
        QuoteQuestionData(org_id=1, quote_id=4),
        QuoteData(
            client_id=7,
            client_name="Пётр",
            today=date(2026, 3, 2),
            items=(Ref(3, "Мойка"),),
            lines=(QuoteLine("мойка окон", 2000, 150000, "", 0, None, None),),
            line="item:3",
            valid=date(2026, 3, 16),
        ),
        *(kind() for kind in KINDS.values() if kind not in _NEED_AN_ID),
    ]
    for data in samples:
        stored = json.loads(json.dumps(state_to_json(data)))
        assert state_from_json(data.flow, "x", stored, 1) == DialogState("x", data, 1)


DAMAGED = [
    ("payment", {}),
    ("payment", {"order_id": "3"}),
    ("payment", {"order_id": True}),
    ("new_order", {"today": "yesterday"}),
    ("new_order", {"now_local": 1700000000}),
    ("new_order", {"candidates": "7"}),
    ("new_order", {"candidates": [[7]]}),
    ("new_order", {"candidates": [[7, "Анна", "+79161234567", "extra"]]}),
    ("new_order", {"when": {"time": None}}),
    ("new_order", {"address": "Тверская 1"}),
    ("new_order", {"resolved": None}),
    ("new_order", {"price": "3500"}),
    ("client_edit", {"client_id": 1}),
    ("client_merge", {"client_id": 1, "candidates": [[6, None]]}),
    ("no_such_flow", {}),
    ("new_org", ["Чистый дом"]),
    ("new_org", None),
]


@pytest.mark.parametrize(("flow", "stored"), DAMAGED)
def test_damaged_data_is_no_conversation(flow, stored):
    assert state_from_json(flow, "step", stored, 1) is None


def test_what_is_logged_of_damaged_data_names_no_value(caplog):
    stored = {"candidates": [[7, "Анна Петрова", 79161234567]], "new_phone": "+79161234567"}
    with caplog.at_level(logging.WARNING):
        assert state_from_json("new_order", "client_pick", stored, 1) is None
    logged = caplog.text
    assert "new_order" in logged and "unreadable" in logged
    assert "Анна" not in logged and "7916123456" not in logged


def test_keys_no_field_reads_are_ignored():
    state = state_from_json("payment", "amount", {"order_id": 3, "legacy": {"x": 1}}, 1)
    assert state is not None and state.data == PaymentData(order_id=3)
