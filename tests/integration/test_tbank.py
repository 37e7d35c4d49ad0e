"""HttpTBank against the local T-Bank fake over real HTTP, and the fake's notifications."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.billing.rules import ReceiptItem, apply_notification, receipt, tbank_token, verify_token
from core.errors import ExternalServiceError
from integrations.tbank import HttpTBank, InitResult, StateResult
from tests.fakes.server import AsgiServer
from tests.fakes.tbank import FakeTBank

KEY, PASSWORD = "CrmTerminal", "s3cr3t-password"


class Receiver(AsgiServer):
    """Our side of the webhook: records bodies and answers `answer` (the bank wants `OK`)."""

    def __init__(self) -> None:
        route = Route("/tbank/notify", self._notify, methods=["POST"])
        super().__init__(Starlette(routes=[route]))
        self.received: list[dict[str, Any]] = []
        self.answer = "OK"

    @property
    def endpoint(self) -> str:
        return f"{self.url}/tbank/notify"

    async def _notify(self, request: Request) -> PlainTextResponse:
        self.received.append(await request.json())
        return PlainTextResponse(self.answer)


@pytest.fixture
async def bank() -> AsyncIterator[FakeTBank]:
    async with FakeTBank(terminal_key=KEY, password=PASSWORD) as fake:
        yield fake


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with Receiver() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def tbank(bank, client) -> HttpTBank:
    return HttpTBank(client, KEY, PASSWORD, base_url=bank.base_url, timeout=1.0)


async def create(tbank: HttpTBank, receiver: Receiver, order_id: str = "sub-1") -> InitResult:
    return await tbank.init(order_id, 199000, "AstraCRM Pro", notification_url=receiver.endpoint)


async def test_init_creates_a_payment(tbank, bank, receiver, client):
    created = await create(tbank, receiver)
    assert created.status == "NEW"
    assert created.payment_url.startswith(f"{bank.url}/new/")
    (request,) = bank.requests
    assert request.path == "/v2/Init"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body.pop("Token") == tbank_token(body, PASSWORD)
    assert body == {"TerminalKey": KEY, "Amount": 199000, "OrderId": "sub-1"} | {
        "Description": "AstraCRM Pro",
        "NotificationURL": receiver.endpoint,
    }
    assert bank.payments[created.payment_id].status == "NEW"
    page = await client.get(created.payment_url)
    assert "AstraCRM Pro" in page.text
    assert bank.payments[created.payment_id].history == ["NEW", "FORM_SHOWED"]


async def test_init_with_receipt_data_and_urls(tbank, bank, receiver):
    bank.notification_url = receiver.endpoint  # the terminal's own setting
    built = receipt([ReceiptItem("Тариф Pro", 199000, 2)], email="owner@example.com")
    created = await tbank.init(
        "sub-2", 398000, "Pro × 2", built, None, "https://ok", "https://fail", {"plan": "pro"}
    )
    init = bank.payments[created.payment_id].init
    assert init["Receipt"] == built
    assert init["DATA"] == {"plan": "pro"}
    assert (init["SuccessURL"], init["FailURL"]) == ("https://ok", "https://fail")
    assert "NotificationURL" not in init
    await bank.pay(created.payment_id, "AUTHORIZED")
    assert receiver.received[-1]["OrderId"] == "sub-2"
    assert receiver.received[-1]["DATA"] == {"plan": "pro"}


async def raw(client: httpx.AsyncClient, bank: FakeTBank, method: str, **fields: Any) -> Any:
    body: dict[str, Any] = {"TerminalKey": KEY, **fields}
    body["Token"] = tbank_token(body, PASSWORD)
    response = await client.post(f"{bank.base_url}/{method}", json=body)
    assert response.status_code == 200  # refusals too
    return response.json()


async def test_the_fake_refuses_a_receipt_that_does_not_add_up(client, bank):
    built = receipt([ReceiptItem("Тариф Pro", 199000)], email="owner@example.com")
    answer = await raw(client, bank, "Init", Amount=100000, OrderId="x", Receipt=built)
    assert (answer["Success"], answer["ErrorCode"]) == (False, "1")
    assert "чека" in answer["Details"]
    items: Any = built["Items"]
    items[0]["Amount"] = 100000  # lines must be Price × Quantity too
    answer = await raw(client, bank, "Init", Amount=100000, OrderId="x", Receipt=built)
    assert answer["ErrorCode"] == "1"
    assert bank.payments == {}


async def test_the_fake_wants_required_fields(client, bank):
    answer = await raw(client, bank, "Init", OrderId="x")
    assert (answer["Success"], answer["ErrorCode"]) == (False, "2")


async def test_duplicate_order_id(tbank, receiver, bank):
    await create(tbank, receiver, "sub-1")
    with pytest.raises(ExternalServiceError) as raised:
        await create(tbank, receiver, "sub-1")
    assert raised.value.service == "tbank"
    assert raised.value.reason.startswith("Init: 20")
    assert raised.value.retryable is False
    assert len(bank.payments) == 1


@pytest.mark.parametrize(("key", "password"), [(KEY, "not-the-password"), ("Other", PASSWORD)])
async def test_bad_token_is_refused_with_http_200(bank, client, receiver, caplog, key, password):
    wrong = HttpTBank(client, key, password, base_url=bank.base_url)
    with caplog.at_level(logging.DEBUG), pytest.raises(ExternalServiceError) as raised:
        await create(wrong, receiver)
    assert raised.value.reason.startswith("Init: 204")
    assert "TerminalKey/SecretKey" in raised.value.reason
    assert raised.value.retryable is False
    token = bank.requests[0].json()["Token"]
    assert password not in caplog.text
    assert token not in caplog.text
    assert "204" in caplog.text


async def test_get_state_follows_the_payment(tbank, bank, receiver):
    created = await create(tbank, receiver)
    assert await tbank.get_state(created.payment_id) == StateResult("NEW", 199000, "sub-1")
    await bank.pay(created.payment_id)
    assert await tbank.get_state(created.payment_id) == StateResult("CONFIRMED", 199000, "sub-1")
    body = bank.requests[-1].json()
    assert body.pop("Token") == tbank_token(body, PASSWORD)
    assert body == {"TerminalKey": KEY, "PaymentId": created.payment_id}


async def test_get_state_of_an_unknown_payment(tbank):
    with pytest.raises(ExternalServiceError) as raised:
        await tbank.get_state("404")
    assert raised.value.retryable is False


async def test_pay_notifies_each_step_with_a_valid_token(tbank, bank, receiver):
    created = await create(tbank, receiver)
    deliveries = await bank.pay(created.payment_id)
    assert [d.ok for d in deliveries] == [True, True]
    assert [n["Status"] for n in receiver.received] == ["AUTHORIZED", "CONFIRMED"]
    notification = receiver.received[-1]
    assert notification["PaymentId"] == int(created.payment_id)  # a number here
    assert notification["Success"] is True
    assert (notification["ErrorCode"], notification["Amount"]) == ("0", 199000)
    assert (notification["TerminalKey"], notification["OrderId"]) == (KEY, "sub-1")
    assert {"CardId", "Pan", "ExpDate"} <= notification.keys()
    assert all(verify_token(n, PASSWORD) for n in receiver.received)
    assert not verify_token(notification, "another-password")


async def test_a_tampered_or_forged_notification_fails(tbank, bank, receiver):
    created = await create(tbank, receiver)
    await bank.pay(created.payment_id, "AUTHORIZED")
    await bank.notify(created.payment_id, "CONFIRMED", overrides={"Amount": 100})
    await bank.notify(created.payment_id, "CONFIRMED", token_override="0" * 64)
    tampered, forged = receiver.received[-2:]
    assert (tampered["Amount"], forged["Token"]) == (100, "0" * 64)
    assert not verify_token(tampered, PASSWORD)
    assert not verify_token(forged, PASSWORD)
    assert bank.payments[created.payment_id].status == "AUTHORIZED"


async def test_duplicates_and_late_statuses_change_nothing(tbank, bank, receiver):
    created = await create(tbank, receiver)
    await bank.pay(created.payment_id)
    await bank.notify(created.payment_id)  # the CONFIRMED again
    await bank.notify(created.payment_id, "AUTHORIZED")  # late
    status, extended = "NEW", 0
    for notification in receiver.received:
        assert verify_token(notification, PASSWORD)
        transition = apply_notification(status, notification["Status"])
        status, extended = transition.status, extended + transition.extend
    assert (status, extended, len(receiver.received)) == ("CONFIRMED", 1, 4)


async def test_rejection_and_refund_notifications(tbank, bank, receiver):
    first = await create(tbank, receiver, "sub-1")
    await bank.pay(first.payment_id, "REJECTED")
    rejected = receiver.received[-1]
    assert (rejected["Success"], rejected["Status"]) == (False, "REJECTED")
    assert rejected["ErrorCode"] != "0"
    assert verify_token(rejected, PASSWORD)
    with pytest.raises(ValueError):
        await bank.pay(first.payment_id, "CONFIRMED")
    second = await create(tbank, receiver, "sub-2")
    await bank.pay(second.payment_id)
    await bank.pay(second.payment_id, "REFUNDED")
    assert bank.payments[second.payment_id].history[-1] == "REFUNDED"
    assert receiver.received[-1]["Status"] == "REFUNDED"


async def test_anything_but_ok_is_redelivered(tbank, bank, receiver):
    created = await create(tbank, receiver)
    receiver.answer = "ok"  # lower case: a failure for the bank
    deliveries = await bank.pay(created.payment_id)
    assert [(d.status_code, d.body, d.ok) for d in deliveries] == [(200, "ok", False)] * 2
    receiver.answer = "OK"
    again = await bank.redeliver()
    assert [d.payload["Status"] for d in again] == ["AUTHORIZED", "CONFIRMED"]
    assert all(d.ok for d in again)
    assert await bank.redeliver() == []


@pytest.mark.parametrize(("code", "retryable"), [("3", True), ("9999", True), ("8", False)])
async def test_error_codes_map_to_retryable(tbank, bank, receiver, code, retryable):
    bank.fail_code = code
    with pytest.raises(ExternalServiceError) as raised:
        await create(tbank, receiver)
    assert raised.value.retryable is retryable
    assert raised.value.reason.startswith(f"Init: {code}")


@pytest.mark.parametrize(
    ("knob", "value", "reason", "retryable"),
    [("fail_status", status, f"HTTP {status}", status != 403) for status in (503, 500, 429, 403)]
    + [("delay", 5.0, "timeout", True)],  # beyond the adapter's 1 s timeout
)
async def test_http_failures(tbank, bank, receiver, knob, value, reason, retryable):
    setattr(bank, knob, value)
    with pytest.raises(ExternalServiceError) as raised:
        await create(tbank, receiver)
    assert (raised.value.retryable, raised.value.reason) == (retryable, f"Init: {reason}")


async def test_unreachable_bank_is_retryable(client):
    async with FakeTBank(KEY, PASSWORD) as gone:
        base_url = gone.base_url
    with pytest.raises(ExternalServiceError) as raised:
        await HttpTBank(client, KEY, PASSWORD, base_url=base_url).get_state("1")
    assert raised.value.retryable is True


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        (b"<html>bad gateway</html>", True),
        (b'{"Success": true, "ErrorCode": "0", "Status": "NEW"}', False),
        (b'{"Success": false, "ErrorCode": 9999}', True),
    ],
)
async def test_odd_answers(answer, retryable):
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=answer))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(ExternalServiceError) as raised:
            await HttpTBank(client, KEY, PASSWORD).init("o", 100, "d")
    assert raised.value.retryable is retryable


async def test_numeric_payment_id_is_read_as_text():
    answer = {"Success": True, "ErrorCode": "0", "PaymentId": 42, "PaymentURL": "https://p"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    async with httpx.AsyncClient(transport=transport) as client:
        created = await HttpTBank(client, KEY, PASSWORD).init("o", 100, "d")
    assert created == InitResult("42", "https://p", "NEW")


async def test_invalid_amounts_and_receipt_mismatch_are_refused_locally(tbank, bank):
    for amount in (0, -5, True):
        with pytest.raises(ValueError):
            await tbank.init("o", amount, "d")
    built = receipt([ReceiptItem("Тариф Pro", 199000)], email="owner@example.com")
    with pytest.raises(ValueError, match="sum of the receipt"):
        await tbank.init("sub-3", 100000, "Pro", built)
    assert bank.requests == []
    assert PASSWORD not in repr(tbank)
