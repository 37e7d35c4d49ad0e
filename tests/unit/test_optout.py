"""STOP words, report transitions and the providers' inbound callback parsers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.channels.sms import DeliveryState, InboundSms
from core.client_loop.model import DeliveryStatus
from core.client_loop.optout import is_stop, next_status
from integrations import sms_ru, smsc


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", " Stop \n", "СТОП", "стоп!", "Отписка.", "ОТПИСКА", "ＳＴＯＰ", "\u00a0stop"],
)
def test_stop_words(text):
    assert is_stop(text)


@pytest.mark.parametrize("text", ["", "stop it", "не стоп", "STOPS", "отписаться", "5T0P"])
def test_other_texts_are_not_stop(text):
    assert not is_stop(text)


def test_reports_move_a_sent_message_once_and_never_back():
    sent, delivered, failed = DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED
    assert next_status(sent, DeliveryState.DELIVERED) is delivered
    assert next_status(sent, DeliveryState.FAILED) is failed
    assert next_status(sent, DeliveryState.PENDING) is None
    for final in (delivered, failed, DeliveryStatus.QUEUED):
        for state in DeliveryState:
            assert next_status(final, state) is None


def test_sms_ru_inbound_entries():
    at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    stamp = str(int(at.timestamp()))
    fields = [
        ("data[0]", f"callback_receive\n77\n79165550123\nСТОП\n{stamp}"),
        ("data[1]", f"sms_status\n000-1\n103\n{stamp}"),
        ("data[2]", f"callback_receive\n78\n79165550124\nline one\nline two\n{stamp}"),
        ("data[3]", "callback_receive\n79\nnot-a-phone\nSTOP\n1"),
        ("other", "callback_receive\n80\n79165550125\nSTOP\n1"),
    ]
    assert sms_ru.parse_inbound(fields) == [
        InboundSms("+79165550123", "СТОП", at, "77"),
        InboundSms("+79165550124", "line one\nline two", at, "78"),
    ]
    (status,) = sms_ru.parse_callback(fields)
    assert status.message_id == "000-1" and status.state is DeliveryState.DELIVERED


def test_smsc_inbound_and_reports_are_told_apart():
    inbound = {"sms_id": "5", "phone": "79165550123", "mes": "Stop", "to": "79000000000",
               "sent": "1772528400"}  # fmt: skip
    assert smsc.parse_inbound(inbound) == InboundSms(
        "+79165550123", "Stop", datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "5"
    )
    assert smsc.parse_callback(inbound) is None
    report = {"id": "12", "phone": "79165550123", "status": "1", "err": "0"}
    assert smsc.parse_inbound(report) is None
    assert smsc.parse_inbound({"phone": "12", "mes": "STOP"}) is None
