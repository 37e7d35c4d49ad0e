"""HttpSmsRu and HttpSmsc against the local SMS.ru and SMSC.ru (sandbox/peers/sms.py) over
real HTTP: sends, segments and cost, every class of refusal, 5xx, timeouts, status queries,
delivery reports posted to a real local handler and read by the parsers, and no phone, text
or key in the logs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.channels.sms import DeliveryState, SmsError, SmsFailure, SmsGateway, SmsReceipt
from integrations import sms_ru, smsc
from integrations.sms_ru import HttpSmsRu
from integrations.smsc import HttpSmsc
from sandbox.emulator.server import AsgiServer
from sandbox.peers.sms import SmscPeer, SmsRuPeer

API_ID = "3F2A9C1E-7B4D-4E8A-9C21-5D6E7F8A9B0C"
LOGIN, PASSWORD = "cleaning-pro", "s3cr3t-Pa55word"
PHONE = "+79161234567"
TEXT = "Здравствуйте! Мастер Иван приедет завтра в 14:30. Подтвердить: https://x.ru/c/Ab3"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


class Handler(AsgiServer):
    """Our side of the delivery reports: records each form and answers like our endpoint."""

    def __init__(self) -> None:
        super().__init__(
            Starlette(routes=[Route("/sms/{provider}", self._report, methods=["POST"])])
        )
        self.reports: list[tuple[str, list[tuple[str, str]]]] = []

    async def _report(self, request: Request) -> Response:
        fields = parse_qsl((await request.body()).decode(), keep_blank_values=True)
        provider = request.path_params["provider"]
        self.reports.append((provider, fields))
        return PlainTextResponse(sms_ru.CALLBACK_ACK if provider == "sms_ru" else "OK")

    def address(self, provider: str) -> str:
        return f"{self.url}/sms/{provider}"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
async def handler() -> AsyncIterator[Handler]:
    async with Handler() as server:
        yield server


@pytest.fixture
async def sms_ru_peer() -> AsyncIterator[SmsRuPeer]:
    async with SmsRuPeer(api_id=API_ID, clock=lambda: NOW) as peer:
        yield peer


@pytest.fixture
async def smsc_peer(handler) -> AsyncIterator[SmscPeer]:
    peer = SmscPeer(LOGIN, PASSWORD, callback_url=handler.address("smsc"), clock=lambda: NOW)
    async with peer:
        yield peer


@pytest.fixture
def ru(client, sms_ru_peer) -> HttpSmsRu:
    return HttpSmsRu(client, API_ID, base_url=sms_ru_peer.base_url, timeout=5.0)


@pytest.fixture
def sc(client, smsc_peer) -> HttpSmsc:
    return HttpSmsc(client, LOGIN, PASSWORD, base_url=smsc_peer.base_url, timeout=5.0)


def test_both_adapters_are_sms_gateways(client):
    gateways: list[SmsGateway] = [HttpSmsRu(client, API_ID), HttpSmsc(client, LOGIN, PASSWORD)]
    assert [g.provider for g in gateways] == ["sms_ru", "smsc"]
    assert API_ID not in repr(gateways[0]) and PASSWORD not in repr(gateways[1])


# SMS.ru


async def test_sms_ru_send(ru, sms_ru_peer):
    receipt = await ru.send(PHONE, TEXT, sender="AstraCRM")
    (message,) = sms_ru_peer.received(PHONE)
    assert receipt == SmsReceipt(message.message_id)  # SMS.ru's answer says no cost
    assert (message.text, message.sender, message.segments) == (TEXT, "AstraCRM", 2)
    ((path, fields),) = sms_ru_peer.calls
    assert path == "/sms/send"
    assert fields == {
        "api_id": API_ID,
        "to": "79161234567",
        "msg": TEXT,
        "json": "1",
        "from": "AstraCRM",
    }


async def test_sms_ru_without_sender_sends_no_from(ru, sms_ru_peer):
    await ru.send(PHONE, "Hi")
    assert "from" not in sms_ru_peer.calls[0][1]
    assert sms_ru_peer.received()[0].sender is None


async def test_sms_ru_status_follows_delivery_with_cost(ru, sms_ru_peer):
    receipt = await ru.send(PHONE, "ж" * 71)  # 2 UCS-2 segments at 2.50
    pending = await ru.status(receipt.message_id, PHONE)
    assert (pending.state, pending.raw_code, pending.cost) == (DeliveryState.PENDING, "100", 500)
    await sms_ru_peer.deliver(receipt.message_id, 103)
    delivered = await ru.status(receipt.message_id, PHONE)
    assert (delivered.state, delivered.raw_code) == (DeliveryState.DELIVERED, "103")
    await sms_ru_peer.deliver(receipt.message_id, 104)
    assert (await ru.status(receipt.message_id, PHONE)).state == DeliveryState.FAILED


async def test_sms_ru_unknown_message_is_not_found(ru):
    with pytest.raises(SmsError) as caught:
        await ru.status("000000-1", PHONE)
    assert (caught.value.failure, caught.value.provider_code) == (SmsFailure.NOT_FOUND, "-1")
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("setup", "phone", "sender", "failure", "code", "retryable"),
    [
        ("bad_key", PHONE, None, SmsFailure.CREDENTIALS, "200", False),
        ("no_money", PHONE, None, SmsFailure.BALANCE, "201", False),
        (None, "+1234567", None, SmsFailure.PHONE, "202", False),  # E.164, no route
        (None, PHONE, "Unknown", SmsFailure.REJECTED, "204", False),
        ("refuse_220", PHONE, None, SmsFailure.UNAVAILABLE, "220", True),
        ("refuse_231", PHONE, None, SmsFailure.LIMIT, "231", True),
        ("http_500", PHONE, None, SmsFailure.UNAVAILABLE, "500", True),
        ("http_404", PHONE, None, SmsFailure.PROTOCOL, "404", False),
    ],
)
async def test_sms_ru_refusals(
    client, sms_ru_peer, setup, phone, sender, failure, code, retryable
):
    key = "wrong-key" if setup == "bad_key" else API_ID
    if setup == "no_money":
        sms_ru_peer.balance = Decimal("1.00")
    if setup and setup.startswith("refuse_"):
        sms_ru_peer.refuse = int(setup.removeprefix("refuse_"))
    if setup and setup.startswith("http_"):
        sms_ru_peer.fail_status = int(setup.removeprefix("http_"))
    gateway = HttpSmsRu(client, key, base_url=sms_ru_peer.base_url, timeout=5.0)
    with pytest.raises(SmsError) as caught:
        await gateway.send(phone, TEXT, sender=sender)
    assert (caught.value.failure, caught.value.provider_code) == (failure, code)
    assert caught.value.retryable is retryable
    assert sms_ru_peer.received() == []


async def test_sms_ru_local_phone_check_makes_no_request(ru, sms_ru_peer):
    with pytest.raises(SmsError) as caught:
        await ru.send("89161234567", TEXT)
    assert caught.value.failure == SmsFailure.PHONE and caught.value.permanent
    assert sms_ru_peer.calls == []


async def test_sms_ru_timeout_is_temporary(client, sms_ru_peer):
    sms_ru_peer.delay = 5.0
    gateway = HttpSmsRu(client, API_ID, base_url=sms_ru_peer.base_url, timeout=0.3)
    with pytest.raises(SmsError) as caught:
        await gateway.send(PHONE, TEXT)
    assert caught.value.failure == SmsFailure.UNAVAILABLE and caught.value.retryable


async def test_sms_ru_callback_is_registered_once_and_reports_reach_the_handler(
    ru, sms_ru_peer, handler
):
    url = handler.address("sms_ru")
    first = await ru.send(PHONE, TEXT, status_callback_url=url)
    await ru.send(PHONE, "Second", status_callback_url=url)
    assert [path for path, _ in sms_ru_peer.calls].count("/callback/add") == 1
    assert sms_ru_peer.callbacks == [url]
    assert await sms_ru_peer.deliver(first.message_id, 103) == ["100"]
    ((provider, fields),) = handler.reports
    assert provider == "sms_ru"
    (status,) = sms_ru.parse_callback(fields)
    assert (status.message_id, status.state, status.raw_code) == (
        first.message_id,
        DeliveryState.DELIVERED,
        "103",
    )
    assert status.at == NOW


async def test_sms_ru_refuses_a_callback_that_is_not_http(ru):
    with pytest.raises(SmsError) as caught:
        await ru.register_callback("ftp://example.com/x")
    assert (caught.value.failure, caught.value.provider_code) == (SmsFailure.REJECTED, "901")


async def test_sms_ru_a_refused_callback_url_does_not_hold_the_message_back(ru, sms_ru_peer):
    await ru.send(PHONE, TEXT, status_callback_url="ftp://example.com/x")
    assert len(sms_ru_peer.received(PHONE)) == 1
    assert sms_ru_peer.callbacks == []
    await ru.send(PHONE, TEXT, status_callback_url="ftp://example.com/x")  # tried again
    assert [path for path, _ in sms_ru_peer.calls].count("/callback/add") == 2


async def test_sms_ru_a_bad_key_on_callback_registration_fails_the_send(client, sms_ru_peer):
    gateway = HttpSmsRu(client, "wrong", base_url=sms_ru_peer.base_url)
    with pytest.raises(SmsError) as caught:
        await gateway.send(PHONE, TEXT, status_callback_url="https://example.com/r")
    assert caught.value.failure == SmsFailure.CREDENTIALS
    assert sms_ru_peer.received() == []


async def test_the_fakes_answer_text_when_json_is_not_asked_for(client, sms_ru_peer, smsc_peer):
    # SMS.ru without json=1 answers lines; SMSC.ru without fmt=3 a plain error line
    form = {"api_id": API_ID, "to": "79161234567", "msg": "hi"}
    answer = await client.post(f"{sms_ru_peer.base_url}/sms/send", data=form)
    code, message_id, balance = answer.text.split("\n")
    assert (code, message_id) == ("100", sms_ru_peer.received()[0].message_id)
    assert balance == "balance=97.5"
    refused = await client.get(f"{sms_ru_peer.base_url}/sms/send", params={"api_id": "x"})
    assert refused.text == "200"
    form = {"login": LOGIN, "psw": PASSWORD, "phones": PHONE, "mes": "hi"}
    answer = await client.post(f"{smsc_peer.base_url}/sys/send.php", data=form)
    assert answer.text.startswith("ERROR = 1")
    assert smsc_peer.received() == []


def test_sms_ru_callback_parser_reads_every_entry_and_skips_the_rest():
    fields = [
        ("data[0]", "sms_status\n000000-1\n103\n1796644800"),
        ("data[1]", "sms_status\r\n000000-2\r\n104\r\n"),
        ("data[2]", "callcheck_status\n201937-1000\n401\n1796644800"),
        ("data[3]", "sms_status\n000000-3"),
        ("data[4]", "sms_status\n000000-4\nabc"),
        ("other", "sms_status\n000000-5\n103"),
    ]
    statuses = sms_ru.parse_callback(fields)
    assert [(s.message_id, s.state, s.raw_code) for s in statuses] == [
        ("000000-1", DeliveryState.DELIVERED, "103"),
        ("000000-2", DeliveryState.FAILED, "104"),
    ]
    assert statuses[0].at == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert statuses[1].at is None


@pytest.mark.parametrize(
    ("code", "state"),
    [(100, "pending"), (101, "pending"), (102, "pending"), (103, "delivered"), (110, "delivered")]
    + [(code, "failed") for code in (104, 105, 106, 107, 108, 150)]
    + [(999, "pending")],
)
def test_sms_ru_status_codes(code, state):
    assert sms_ru.state_of(code) == state


# SMSC.ru


async def test_smsc_send_with_segments_and_cost(sc, smsc_peer):
    receipt = await sc.send(PHONE, TEXT, sender="AstraCRM")
    (message,) = smsc_peer.received(PHONE)
    assert receipt == SmsReceipt(message.message_id, segments=2, cost=500)
    assert (message.text, message.sender) == (TEXT, "AstraCRM")
    ((path, fields),) = smsc_peer.calls
    assert path == "/sys/send.php"
    assert fields == {
        "login": LOGIN,
        "psw": PASSWORD,
        "phones": PHONE,
        "mes": TEXT,
        "cost": "3",
        "sender": "AstraCRM",
        "fmt": "3",
        "charset": "utf-8",
    }
    assert smsc_peer.balance == Decimal("95.00")


@pytest.mark.parametrize(
    ("text", "segments"),
    [("a" * 160, 1), ("a" * 161, 2), ("ж" * 70, 1), ("ж" * 71, 2), ("€" * 80, 1), ("👍" * 36, 2)],
)
async def test_smsc_counts_segments_like_our_rules(sc, text, segments):
    receipt = await sc.send(PHONE, text)
    assert receipt.segments == segments and receipt.cost == 250 * segments


async def test_smsc_api_key_with_an_empty_login(client, smsc_peer):
    smsc_peer.api_key = "api-key-0123456789"
    gateway = HttpSmsc(client, "", "api-key-0123456789", base_url=smsc_peer.base_url)
    assert (await gateway.send(PHONE, "Hi")).segments == 1


@pytest.mark.parametrize(
    ("setup", "phone", "sender", "failure", "code", "retryable"),
    [
        ("bad_password", PHONE, None, SmsFailure.CREDENTIALS, "2", False),
        ("no_money", PHONE, None, SmsFailure.BALANCE, "3", False),
        (None, "+1234567", None, SmsFailure.PHONE, "7", False),
        (None, PHONE, "Unknown", SmsFailure.REJECTED, "6", False),
        ("refuse_8", PHONE, None, SmsFailure.PHONE, "8", False),
        ("refuse_4", PHONE, None, SmsFailure.LIMIT, "4", True),
        ("refuse_9", PHONE, None, SmsFailure.LIMIT, "9", True),
        ("http_503", PHONE, None, SmsFailure.UNAVAILABLE, "503", True),
        ("http_429", PHONE, None, SmsFailure.LIMIT, "429", True),
    ],
)
async def test_smsc_refusals(client, smsc_peer, setup, phone, sender, failure, code, retryable):
    password = "wrong" if setup == "bad_password" else PASSWORD
    if setup == "no_money":
        smsc_peer.balance = Decimal("2.00")
    if setup and setup.startswith("refuse_"):
        smsc_peer.refuse = int(setup.removeprefix("refuse_"))
    if setup and setup.startswith("http_"):
        smsc_peer.fail_status = int(setup.removeprefix("http_"))
    gateway = HttpSmsc(client, LOGIN, password, base_url=smsc_peer.base_url, timeout=5.0)
    with pytest.raises(SmsError) as caught:
        await gateway.send(phone, TEXT, sender=sender)
    assert (caught.value.failure, caught.value.provider_code) == (failure, code)
    assert caught.value.retryable is retryable
    assert smsc_peer.received() == []


async def test_smsc_timeout_is_temporary(client, smsc_peer):
    smsc_peer.delay = 5.0
    gateway = HttpSmsc(client, LOGIN, PASSWORD, base_url=smsc_peer.base_url, timeout=0.3)
    with pytest.raises(SmsError) as caught:
        await gateway.send(PHONE, TEXT)
    assert caught.value.failure == SmsFailure.UNAVAILABLE and caught.value.retryable


async def test_smsc_status_query(sc, smsc_peer):
    receipt = await sc.send(PHONE, TEXT)
    waiting = await sc.status(receipt.message_id, PHONE)
    assert (waiting.state, waiting.raw_code, waiting.at) == (DeliveryState.PENDING, "-1", NOW)
    assert smsc_peer.calls[-1][1] | {"psw": "-"} == {
        "login": LOGIN,
        "psw": "-",
        "phone": PHONE,
        "id": receipt.message_id,
        "fmt": "3",
        "charset": "utf-8",
    }
    await smsc_peer.deliver(receipt.message_id, 1)
    assert (await sc.status(receipt.message_id, PHONE)).state == DeliveryState.DELIVERED
    await smsc_peer.deliver(receipt.message_id, 20, err=1)
    assert (await sc.status(receipt.message_id, PHONE)).state == DeliveryState.FAILED
    with pytest.raises(SmsError) as caught:
        await sc.status("999", PHONE)
    assert (caught.value.failure, caught.value.provider_code) == (SmsFailure.NOT_FOUND, "-3")


async def test_smsc_reports_reach_the_handler_and_parse(sc, smsc_peer, handler):
    receipt = await sc.send(PHONE, TEXT, status_callback_url=handler.address("smsc"))
    assert all("callback" not in fields for _, fields in smsc_peer.calls)  # account setting
    assert await smsc_peer.deliver(receipt.message_id, 1) == 200
    ((_, fields),) = handler.reports
    status = smsc.parse_callback(dict(fields))
    assert status is not None
    assert (status.message_id, status.state, status.raw_code, status.at) == (
        receipt.message_id,
        DeliveryState.DELIVERED,
        "1",
        NOW,
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"id": "7", "phone": "79161234567", "status": "3", "err": "0"}, ("7", "failed", "3")),
        ({"id": "7", "status": "0"}, ("7", "pending", "0")),
        ({"id": "7", "status": "2", "ts": "junk"}, ("7", "delivered", "2")),
        ({"id": "", "status": "1"}, None),
        ({"id": "7"}, None),
        ({"id": "7", "status": "x"}, None),
    ],
)
def test_smsc_callback_parser(fields, expected):
    status = smsc.parse_callback(fields)
    found = None if status is None else (status.message_id, status.state, status.raw_code)
    assert found == expected


@pytest.mark.parametrize(
    ("code", "state"),
    [(-1, "pending"), (0, "pending"), (1, "delivered"), (2, "delivered"), (4, "delivered")]
    + [(code, "failed") for code in (-2, 3, 20, 22, 23, 24, 25)]
    + [(77, "pending")],
)
def test_smsc_status_codes(code, state):
    assert smsc.state_of(code) == state


# Logs


async def test_no_phone_text_or_key_in_the_logs(client, sms_ru_peer, smsc_peer, handler, caplog):
    caplog.set_level(logging.DEBUG)
    ru = HttpSmsRu(client, API_ID, base_url=sms_ru_peer.base_url, timeout=5.0)
    sc = HttpSmsc(client, LOGIN, PASSWORD, base_url=smsc_peer.base_url, timeout=5.0)
    impatient = {
        "sms_ru": HttpSmsRu(client, API_ID, base_url=sms_ru_peer.base_url, timeout=0.3),
        "smsc": HttpSmsc(client, LOGIN, PASSWORD, base_url=smsc_peer.base_url, timeout=0.3),
    }
    errors: list[SmsError] = []
    for gateway, peer in ((ru, sms_ru_peer), (sc, smsc_peer)):
        receipt = await gateway.send(PHONE, TEXT, "AstraCRM", handler.address(gateway.provider))
        await gateway.status(receipt.message_id, PHONE)
        await peer.deliver(receipt.message_id)
        for knob, value in (("refuse", 201 if peer is sms_ru_peer else 3), ("fail_status", 500)):
            setattr(peer, knob, value)
            with pytest.raises(SmsError) as caught:
                await gateway.send(PHONE, TEXT)
            errors.append(caught.value)
            setattr(peer, knob, None)
        peer.delay = 5.0
        with pytest.raises(SmsError) as caught:
            await impatient[gateway.provider].send(PHONE, TEXT)
        errors.append(caught.value)
        peer.delay = 0.0
    for _, fields in handler.reports:
        sms_ru.parse_callback(fields)
        smsc.parse_callback(dict(fields))
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    logged += "".join(f"{e} {e!r}" for e in errors)
    assert "refused" in caplog.text and "failed" in caplog.text  # the test sees the logs
    for secret in ("79161234567", "9161234567", TEXT, "Здравствуйте", API_ID, PASSWORD, LOGIN):
        assert secret not in logged, secret
