"""A local T-Bank acquiring API v2 (`/v2/Init`, `/v2/GetState`), see docs/protocols.md.

    async with FakeTBank(terminal_key="TestTerminal", password="secret") as bank:
        tbank = HttpTBank(client, bank.terminal_key, bank.password, base_url=bank.base_url)
        created = await tbank.init("sub-1", 199000, "Pro", notification_url=our_endpoint)
        await bank.pay(created.payment_id)  # AUTHORIZED, then CONFIRMED, each POSTed to us
        assert [d.ok for d in bank.deliveries] == [True, True]  # we answered exactly `OK`

As the bank: a bad Token is HTTP 200 `Success: false` ErrorCode "204"; Init refuses a
repeated OrderId ("20"), an Amount other than the Receipt items' sum ("1"), missing fields
("2"). Tokens are computed by this module's own `sign`, not by the code under test.

Test controls:
- `bank.payments[payment_id]`: a `FakePayment` (order_id, amount, status, history, and
  `init`, the Init request as received); `bank.notification_url`: the terminal's own
  NotificationURL, used when Init sends none.
- `await bank.pay(payment_id, status="CONFIRMED")`: moves the payment as the bank would and
  POSTs a signed notification per step (CONFIRMED from NEW goes through AUTHORIZED, as on a
  one-stage terminal); returns the `Delivery` list. Any status the bank could move to
  (REJECTED, REVERSED, REFUNDED, ...; see docs/protocols.md); ValueError otherwise.
- `await bank.notify(payment_id, status=None, token_override=None, overrides=None)`: sends one
  notification without moving the payment: a duplicate, a stale status, a forged Token, or
  fields changed after signing (`overrides={"Amount": 1}`).
- `bank.notification(payment_id, status=None)`: the signed body, without sending it.
- `bank.deliveries`: every POST with what our endpoint answered (`ok` = HTTP 200 + `OK`).
- `await bank.redeliver()`: resends `pay` notifications not answered `OK` (the hourly retry).
- `bank.fail_code = "3"`: calls answer `Success: false` with that code; `fail_status = 503`:
  an HTML error page; `delay`: seconds before answering.
- `GET <payment_url>`: a small payment page; opening it moves NEW to FORM_SHOWED, and its
  button (a POST to the same address) pays as `pay` does, then goes to Init's SuccessURL.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.peers.service import FakeService
from sandbox.peers.tbank_checks import init_problem

BASE_PATH = "/v2"
NOT_MATCHED, MISSING, REPEATED_ORDER, BAD_TOKEN = "1", "2", "20", "204"
GENERIC = "Неверные параметры."
MESSAGES = {"3": "Внутренняя ошибка системы.", "9999": "Попробуйте повторить попытку позже."}
PRE_AUTH = ("NEW", "FORM_SHOWED")
MOVES_FROM: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("AUTHORIZED", "REJECTED", "CANCELED", "DEADLINE_EXPIRED"), PRE_AUTH),
    **dict.fromkeys(("CONFIRMED", "REVERSED"), ("AUTHORIZED", "PARTIAL_REVERSED")),
    **dict.fromkeys(("PARTIAL_REFUNDED", "REFUNDED"), ("CONFIRMED", "PARTIAL_REFUNDED")),
    "PARTIAL_REVERSED": ("AUTHORIZED",),
}


def sign(fields: Mapping[str, Any], password: str) -> str:
    """The Token (docs/protocols.md), written independently of core.billing.rules: scalars +
    Password, by key, SHA-256."""
    pairs = {"Password": password}
    for key, value in fields.items():
        if key == "Token" or value is None or isinstance(value, dict | list):
            continue
        pairs[key] = json.dumps(value) if isinstance(value, bool) else str(value)
    return hashlib.sha256("".join(v for _, v in sorted(pairs.items())).encode()).hexdigest()


def refusal(code: str, details: str = "") -> JSONResponse:
    """The bank's error answer: HTTP 200, `Success: false`, the code as a string."""
    answer = {"Success": False, "ErrorCode": code, "Message": MESSAGES.get(code, GENERIC)}
    return JSONResponse({**answer, "Details": details} if details else answer)


@dataclass
class FakePayment:
    """A payment made by Init; `init` is the request as received (Receipt, DATA, URLs...)."""

    payment_id: str
    order_id: str
    amount: int
    init: dict[str, Any]
    page_key: str = field(default_factory=lambda: secrets.token_urlsafe(6))
    history: list[str] = field(default_factory=lambda: ["NEW"])  # every status, in order

    @property
    def status(self) -> str:
        return self.history[-1]


@dataclass(frozen=True)
class Delivery:
    """One notification POST and our endpoint's answer (`status_code` None: unreachable)."""

    url: str
    payload: dict[str, Any]
    status_code: int | None
    body: str

    @property
    def ok(self) -> bool:
        return self.status_code == 200 and self.body == "OK"


class FakeTBank(FakeService):
    """One terminal: its key and password, its payments, the notifications it sent."""

    def __init__(self, terminal_key: str = "TestTerminal", password: str = "secret") -> None:  # noqa: S107
        init = Route(f"{BASE_PATH}/Init", self._init, methods=["POST"])
        state = Route(f"{BASE_PATH}/GetState", self._get_state, methods=["POST"])
        page = Route("/new/{key}", self._page, methods=["GET"])
        paid = Route("/new/{key}", self._pay_on_page, methods=["POST"])
        super().__init__([init, state, page, paid])
        self.terminal_key = terminal_key
        self.password = password
        self.notification_url: str | None = None  # the terminal's setting, if Init sends none
        self.payments: dict[str, FakePayment] = {}
        self.deliveries: list[Delivery] = []
        self.fail_code: str | None = None
        self._ids = itertools.count(3093639567)
        self._unacknowledged: list[tuple[str, dict[str, Any]]] = []

    @property
    def base_url(self) -> str:
        """What `HttpTBank(base_url=...)` expects (no trailing slash)."""
        return f"{self.url}{BASE_PATH}"

    async def _accept(self, request: Request, *required: str) -> dict[str, Any] | Response:
        """Record, misbehave on demand, parse, check fields, TerminalKey and Token."""
        recorded = await self.record(request)
        await self.pause()
        if self.fail_status is not None:
            return HTMLResponse("<h1>Service unavailable</h1>", status_code=self.fail_status)
        body: Any = None
        with contextlib.suppress(ValueError):
            body = recorded.json()
        if not isinstance(body, dict):
            return refusal(NOT_MATCHED, "Тело запроса не является JSON-объектом.")
        missing = [name for name in ("TerminalKey", "Token", *required) if name not in body]
        if missing:
            return refusal(MISSING, "Отсутствуют параметры: " + ", ".join(missing))
        given, expected = str(body["Token"]).encode(), sign(body, self.password).encode()
        if body["TerminalKey"] != self.terminal_key or not secrets.compare_digest(given, expected):
            return refusal(BAD_TOKEN, "Неверный токен. Проверьте пару TerminalKey/SecretKey.")
        if self.fail_code is not None:
            return refusal(self.fail_code)
        return body

    async def _init(self, request: Request) -> Response:
        body = await self._accept(request, "Amount", "OrderId")
        if isinstance(body, Response):
            return body
        problem = init_problem(body)
        if problem:
            return refusal(NOT_MATCHED, problem)
        order_id = str(body["OrderId"])
        if any(p.order_id == order_id for p in self.payments.values()):
            return refusal(REPEATED_ORDER, "Заказ с таким OrderId уже существует.")
        payment = FakePayment(str(next(self._ids)), order_id, body["Amount"], body)
        self.payments[payment.payment_id] = payment
        return JSONResponse(self._answer(payment, PaymentURL=f"{self.url}/new/{payment.page_key}"))

    async def _get_state(self, request: Request) -> Response:
        body = await self._accept(request, "PaymentId")
        if isinstance(body, Response):
            return body
        payment = self.payments.get(str(body["PaymentId"]))
        if payment is None:
            return refusal(NOT_MATCHED, "Платёж не найден.")
        return JSONResponse(self._answer(payment))

    def _answer(self, payment: FakePayment, **extra: Any) -> dict[str, Any]:
        answer = {"Success": True, "ErrorCode": "0", "TerminalKey": self.terminal_key}
        answer.update(Status=payment.status, PaymentId=payment.payment_id, **extra)
        return {**answer, "OrderId": payment.order_id, "Amount": payment.amount}

    async def _page(self, request: Request) -> Response:
        key = request.path_params["key"]
        payment = next((p for p in self.payments.values() if p.page_key == key), None)
        if payment is None:
            return HTMLResponse("<h1>Платёж не найден</h1>", status_code=404)
        if payment.status == "NEW":
            payment.history.append("FORM_SHOWED")
        text = html.escape(str(payment.init.get("Description", "")))
        amount = f"<h1>{text}</h1><p>{payment.amount / 100:.2f} ₽</p>"
        if payment.status not in PRE_AUTH:
            return HTMLResponse(f"{amount}<p>{html.escape(payment.status)}</p>")
        button = '<form method="post"><button>Оплатить (тестовая карта)</button></form>'
        return HTMLResponse(amount + button)

    async def _pay_on_page(self, request: Request) -> Response:
        """The page's button: the card is accepted, as on the real form (then the client's
        browser goes to the SuccessURL Init gave, if any)."""
        key = request.path_params["key"]
        payment = next((p for p in self.payments.values() if p.page_key == key), None)
        if payment is None:
            return HTMLResponse("<h1>Платёж не найден</h1>", status_code=404)
        if payment.status in PRE_AUTH:
            await self.pay(payment.payment_id)
        success = payment.init.get("SuccessURL")
        if isinstance(success, str) and success.startswith(("http://", "https://")):
            return RedirectResponse(success, status_code=303)
        return HTMLResponse(f"<h1>{html.escape(payment.status)}</h1>")

    async def pay(self, payment_id: str, status: str = "CONFIRMED") -> list[Delivery]:
        """Moves the payment to `status` (via AUTHORIZED when needed), notifying each step."""
        payment = self.payments[str(payment_id)]
        steps = [status]
        if status == "CONFIRMED" and payment.status in PRE_AUTH:
            steps = ["AUTHORIZED", "CONFIRMED"]
        deliveries = []
        for step in steps:
            if payment.status not in MOVES_FROM.get(step, ()):
                raise ValueError(f"T-Bank would not move {payment.status} to {step}")
            payment.history.append(step)
            if (url := self._url(payment)) is not None:
                payload = self.notification(payment.payment_id)
                deliveries.append(await self._deliver(url, payload, retried=True))
        return deliveries

    async def notify(
        self,
        payment_id: str,
        status: str | None = None,
        token_override: str | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Delivery:
        """One notification, state unchanged: a duplicate, a stale status or a forgery."""
        url = self._url(self.payments[str(payment_id)])
        assert url, "no NotificationURL in Init and none set on the terminal"
        payload = {**self.notification(payment_id, status), **(overrides or {})}
        if token_override is not None:
            payload["Token"] = token_override
        return await self._deliver(url, payload)

    def notification(self, payment_id: str, status: str | None = None) -> dict[str, Any]:
        """The body the bank POSTs (NotificationPayment), signed; `status` defaults to now."""
        payment = self.payments[str(payment_id)]
        status = status or payment.status
        code, message = ("1051", "Недостаточно средств.") if status == "REJECTED" else ("0", "")
        payload: dict[str, Any] = {"TerminalKey": self.terminal_key, "OrderId": payment.order_id}
        payload.update(Success=code == "0", Status=status, PaymentId=int(payment.payment_id))
        payload.update(ErrorCode=code, Amount=payment.amount, CardId=876543)
        payload.update(Pan="430000******0777", ExpDate="1230")
        if message:
            payload.update(Message=message, Details="Операция отклонена банком-эмитентом.")
        if payment.init.get("DATA"):
            payload["DATA"] = payment.init["DATA"]
        payload["Token"] = sign(payload, self.password)
        return payload

    async def redeliver(self) -> list[Delivery]:
        """Sends again every `pay` notification our endpoint did not acknowledge with `OK`."""
        pending, self._unacknowledged = self._unacknowledged, []
        return [await self._deliver(url, payload, retried=True) for url, payload in pending]

    def _url(self, payment: FakePayment) -> str | None:
        return payment.init.get("NotificationURL") or self.notification_url

    async def _deliver(self, url: str, payload: dict[str, Any], retried: bool = False) -> Delivery:
        """POSTs the JSON; with `retried`, an answer other than `OK` is kept for `redeliver`."""
        try:
            async with httpx.AsyncClient(timeout=10.0) as client:
                response = await client.post(url, json=payload)
            delivery = Delivery(url, payload, response.status_code, response.text)
        except httpx.HTTPError:
            delivery = Delivery(url, payload, None, "")
        self.deliveries.append(delivery)
        if retried and not delivery.ok:
            self._unacknowledged.append((url, payload))
        return delivery
