"""The SMS providers' inbound messages as our parsers read them (docs/sms.md): the id that
makes a redelivery recognisable, the text with its line breaks, the time in either form; and
how staff see that a client wrote by SMS or e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from core.client_loop.model import Channel
from core.client_loop.relay import RelayNotice
from handlers.client_loop.relay import notice_text
from handlers.i18n import Catalogs
from integrations import sms_ru, smsc


def test_sms_ru_inbound_keeps_the_id_the_lines_and_the_time():
    entry = "callback_receive\n2026-1\n79165550123\nДобрый день\nвторая строка\n1772500000"
    (found,) = sms_ru.parse_inbound([("data[0]", entry), ("data[1]", "sms_status\n1\n103")])
    assert found.phone == "+79165550123" and found.message_id == "2026-1"
    assert found.text == "Добрый день\nвторая строка"
    assert found.at == datetime.fromtimestamp(1772500000, UTC)
    assert sms_ru.parse_inbound([("data[0]", "callback_receive\n1\nnot-a-number\nhi")]) == []


def test_smsc_inbound_in_the_handlers_and_the_inbox_spelling():
    posted = smsc.parse_inbound(
        {"sms_id": "501", "phone": "79165550123", "mes": "Hi", "to": "79000000000",
         "sent": "1772500000"}
    )  # fmt: skip
    assert posted is not None and posted.message_id == "501" and posted.text == "Hi"
    assert posted.at == datetime.fromtimestamp(1772500000, UTC)
    listed = smsc.parse_inbound(
        {"id": "47436134", "phone": "79165550123", "message": "1", "to_phone": "79000000000",
         "sent": "29.09.2026 15:07:37"}
    )  # fmt: skip
    assert listed is not None and listed.message_id == "47436134" and listed.text == "1"
    assert listed.at == datetime(2026, 9, 29, 12, 7, 37, tzinfo=UTC)  # Moscow, UTC+3
    report = {"id": "501", "phone": "79165550123", "status": "1", "mes": "x"}
    assert smsc.parse_inbound(report) is None  # a status report, not a message
    assert smsc.parse_inbound({"phone": "79165550123", "sent": "garbage", "mes": ""}) is not None


def test_staff_see_how_the_client_wrote():
    ru = Catalogs().get("ru")
    notice = RelayNotice(1, "Анна", "Чистота", 5, 12, "Во сколько?", None, (), Channel.SMS)
    assert notice_text(ru, notice).startswith("💬 Анна (заказ №12) пишет: (по SMS)")
    mail = RelayNotice(1, "Анна", "Чистота", None, None, "Да", None, (), Channel.EMAIL)
    assert "(by e-mail)" in notice_text(Catalogs().get("en"), mail)
    chat = RelayNotice(1, "Анна", "Чистота", None, None, "Да", None, ())
    assert "(" not in notice_text(ru, chat).split("\n")[0]
