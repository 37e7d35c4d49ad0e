"""A local SMSC.ru (docs/sms.md, SMSC.ru): `POST|GET /sys/send.php` and `/sys/status.php`
with `fmt=3` (JSON), and status reports posted to the account's handler URL.

One deviation, on purpose: the real service reads a text without `charset=utf-8` as
windows-1251 (garbling it); this fake refuses it with error 1 so a forgotten charset fails
loudly. Other `fmt` values get the plain-text error line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.peers.sms_common import MOBILE, SmsPeer, e164, money, segments

SMSC_ERRORS = {
    1: "parameters error",
    2: "authorise error",
    3: "no money",
    4: "IP is blocked",
    5: "invalid date format",
    6: "message is denied",
    7: "invalid phone format",
    8: "can't deliver message",
    9: "duplicate request, wait a minute",
}
WITH_ID = frozenset({3, 6, 7, 8})  # refusals that still name the message id
WAITING = -1


class SmscPeer(SmsPeer):
    """An SMSC.ru account: `login` + `password`, or an API key sent as `psw` with an empty
    login; `callback_url` is the status handler set in the account's settings."""

    provider = "smsc"

    def __init__(
        self,
        login: str = "sandbox",
        password: str = "sandbox-password",  # noqa: S107 (a fake account)
        api_key: str | None = None,
        callback_url: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(
            [
                Route("/sys/send.php", self._send, methods=["GET", "POST"]),
                Route("/sys/status.php", self._status, methods=["GET", "POST"]),
            ],
            clock,
        )
        self.login, self.password, self.api_key = login, password, api_key
        self.callback_url = callback_url
        self.errors: dict[str, int] = {}  # message id -> `err` of its last status
        self._next_id = 0

    def _error(self, code: int, message_id: str | None = None) -> Response:
        body: dict[str, object] = {"error": SMSC_ERRORS.get(code, "error"), "error_code": code}
        if message_id is not None and code in WITH_ID:
            body["id"] = int(message_id)
        return JSONResponse(body)

    async def _gate(self, request: Request) -> tuple[dict[str, str], Response | None]:
        params = await self.params(request)
        broken = await self.misbehaviour()
        if broken is not None:
            return params, broken
        if params.get("fmt") != "3":
            return params, PlainTextResponse(f"ERROR = 1 ({SMSC_ERRORS[1]})")
        login, psw = params.get("login", ""), params.get("psw", "")
        if login:
            allowed = login == self.login and psw == self.password
        else:
            allowed = self.api_key is not None and psw == self.api_key
        if not allowed:
            return params, self._error(2)
        if params.get("charset", "").lower() != "utf-8":
            return params, self._error(1)
        return params, None

    async def _send(self, request: Request) -> Response:
        params, refused = await self._gate(request)
        if refused is not None:
            return refused
        text, sender = params.get("mes", ""), params.get("sender") or None
        phones = [p.strip() for p in params.get("phones", "").replace(";", ",").split(",")]
        phones = [p for p in phones if p]
        parts = segments(text)
        cost = self.price * parts * len(phones)
        message_id = str(self._next_id + 1)
        if self.refuse is not None:
            return self._error(self.refuse, message_id)
        if not text or not phones:
            return self._error(1)
        if any(not MOBILE.fullmatch(p.removeprefix("+")) for p in phones):
            return self._error(7, message_id)
        if sender is not None and sender not in self.senders:
            return self._error(6, message_id)
        mode = params.get("cost", "0")
        if mode == "1":  # the price only, nothing sent
            return JSONResponse({"cost": money(cost), "cnt": parts * len(phones)})
        if self.balance < cost:
            return self._error(3, message_id)
        self._next_id += 1
        for phone in phones:
            self.accept(message_id, e164(phone), text, sender).status = WAITING
        body: dict[str, object] = {"id": self._next_id, "cnt": parts * len(phones)}
        if mode in ("2", "3"):
            body["cost"] = money(cost)
        if mode == "3":
            body["balance"] = money(self.balance)
        return JSONResponse(body)

    async def _status(self, request: Request) -> Response:
        params, refused = await self._gate(request)
        if refused is not None:
            return refused
        message_id, phone = params.get("id", ""), params.get("phone", "")
        if not message_id or not phone:
            return self._error(1)
        found = next(
            (m for m in self.received(e164(phone)) if m.message_id == message_id),
            None,
        )
        if found is None:
            return JSONResponse({"status": -3, "last_date": "", "last_timestamp": 0, "err": 0})
        changed = self.clock().astimezone(UTC)
        return JSONResponse(
            {
                "status": found.status,
                "last_date": changed.strftime("%d.%m.%Y %H:%M:%S"),
                "last_timestamp": int(changed.timestamp()),
                "err": self.errors.get(message_id, 0),
            }
        )

    async def deliver(self, message_id: str, status: int = 1, err: int = 0) -> int | None:
        """Set the message's status and post the report to `callback_url` (form fields `id`,
        `phone`, `status`, `err`, `ts`); the handler's HTTP status, None without a handler."""
        message = self.find(message_id)
        if message is None:
            raise KeyError(message_id)
        message.status = status
        self.errors[message_id] = err
        if self.callback_url is None:
            return None
        fields = [
            ("id", message_id),
            ("phone", message.phone.removeprefix("+")),
            ("status", str(status)),
            ("err", str(err)),
            ("ts", str(int(self.clock().timestamp()))),
        ]
        return (await self.post_form(self.callback_url, fields)).status_code

    async def receive(
        self, phone: str, text: str, to: str = "79000000000", message_id: str | None = None
    ) -> int | None:
        """A client's SMS to the account's number: posted to `callback_url` as `sms_id`,
        `phone`, `mes`, `to`, `sent` (our reading, unconfirmed, docs/sms.md); the handler's
        HTTP status, None without a handler. The same `message_id` again is a redelivery."""
        if self.callback_url is None:
            return None
        fields = [
            ("sms_id", message_id or str(len(self.calls) + 1)),
            ("phone", phone.removeprefix("+")),
            ("mes", text),
            ("to", to),
            ("sent", str(int(self.clock().timestamp()))),
        ]
        return (await self.post_form(self.callback_url, fields)).status_code
