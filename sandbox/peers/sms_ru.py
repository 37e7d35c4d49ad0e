"""A local SMS.ru (docs/sms.md, SMS.ru): `POST|GET /sms/send`, `/sms/status`,
`/callback/add`; JSON answers with `json=1`, else SMS.ru's text lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.peers.sms_common import MOBILE, SmsPeer, e164, segments

SMS_RU_TEXTS = {
    -1: "Сообщение не найдено",
    100: "Сообщение находится в нашей очереди",
    102: "Сообщение отправлено (в пути)",
    103: "Сообщение доставлено",
    104: "Не может быть доставлено: время жизни истекло",
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
    203: "Нет текста сообщения",
    204: "Имя отправителя не согласовано с администрацией",
    205: "Сообщение слишком длинное (превышает 8 СМС)",
    220: "Сервис временно недоступен, попробуйте чуть позже",
    901: "Callback: URL неверный (не начинается на http://)",
}


class SmsRuPeer(SmsPeer):
    """`POST|GET /sms/send`, `/sms/status`, `/callback/add`; JSON with `json=1`, else text."""

    provider = "sms_ru"

    def __init__(
        self, api_id: str = "sandbox-sms-ru", clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(
            [
                Route("/sms/send", self._send, methods=["GET", "POST"]),
                Route("/sms/status", self._status, methods=["GET", "POST"]),
                Route("/callback/add", self._callback_add, methods=["GET", "POST"]),
            ],
            clock,
        )
        self.api_id = api_id
        self.callbacks: list[str] = []
        self._next_id = 10_000_000

    def _answer(self, params: dict[str, str], payload: dict[str, Any]) -> Response:
        if params.get("json") == "1":
            return JSONResponse(payload)
        lines = [str(payload["status_code"])]  # the text form: codes and ids, one a line
        entries: dict[str, dict[str, Any]] = payload.get("sms") or {}
        for entry in entries.values():
            lines.append(str(entry.get("sms_id") or entry["status_code"]))
        if "balance" in payload:
            lines.append(f"balance={payload['balance']}")
        return PlainTextResponse("\n".join(lines))

    def _refusal(self, params: dict[str, str], code: int) -> Response:
        body = {"status": "ERROR", "status_code": code, "status_text": SMS_RU_TEXTS.get(code, "")}
        return self._answer(params, body)

    async def _gate(self, request: Request) -> tuple[dict[str, str], Response | None]:
        params = await self.params(request)
        broken = await self.misbehaviour()
        if broken is not None:
            return params, broken
        if params.get("api_id") != self.api_id:
            return params, self._refusal(params, 200)
        return params, None

    async def _send(self, request: Request) -> Response:
        params, refused = await self._gate(request)
        if refused is not None:
            return refused
        text, sender = params.get("msg", ""), params.get("from") or None
        code = self.refuse
        if code is None and not text:
            code = 203
        elif code is None and segments(text) > 8:
            code = 205
        elif code is None and sender is not None and sender not in self.senders:
            code = 204
        elif code is None and self.balance < self.price * segments(text):
            code = 201
        if code is not None:
            return self._refusal(params, code)
        entries: dict[str, object] = {}
        for phone in (p.strip() for p in params.get("to", "").split(",")):
            digits = phone.removeprefix("+")
            if not MOBILE.fullmatch(digits):
                entries[phone] = {"status": "ERROR", "status_code": 202, "status_text": ""}
                continue
            self._next_id += 1
            message = self.accept(f"202612-{self._next_id}", e164(digits), text, sender)
            message.status = 100
            entries[digits] = {"status": "OK", "status_code": 100, "sms_id": message.message_id}
        payload = {"status": "OK", "status_code": 100, "sms": entries}
        return self._answer(params, {**payload, "balance": float(self.balance)})

    async def _status(self, request: Request) -> Response:
        params, refused = await self._gate(request)
        if refused is not None:
            return refused
        entries: dict[str, object] = {}
        for message_id in filter(None, params.get("sms_id", "").split(",")):
            found = self.find(message_id)
            if found is None:
                entries[message_id] = {"status": "ERROR", "status_code": -1, "status_text": ""}
            else:
                entries[message_id] = {
                    "status": "OK",
                    "status_code": found.status,
                    "cost": float(found.cost),
                    "status_text": SMS_RU_TEXTS.get(found.status, ""),
                }
        payload = {"status": "OK", "status_code": 100, "sms": entries}
        return self._answer(params, {**payload, "balance": float(self.balance)})

    async def _callback_add(self, request: Request) -> Response:
        params, refused = await self._gate(request)
        if refused is not None:
            return refused
        url = params.get("url", "")
        if not url.startswith(("http://", "https://")):
            return self._refusal(params, 901)
        if url not in self.callbacks:
            self.callbacks.append(url)
        payload = {"status": "OK", "status_code": 100, "callback": list(self.callbacks)}
        return self._answer(params, payload)

    async def deliver(self, message_id: str, code: int = 103) -> list[str]:
        """Set the message's status and post the report to every registered handler, as
        `data[0]` = "sms_status\\n<id>\\n<code>\\n<unix time>"; the handlers' answers."""
        message = self.find(message_id)
        if message is None:
            raise KeyError(message_id)
        message.status = code
        entry = f"sms_status\n{message_id}\n{code}\n{int(self.clock().timestamp())}"
        answers = []
        for url in self.callbacks:
            answers.append((await self.post_form(url, [("data[0]", entry)])).text)
        return answers

    async def receive(self, phone: str, text: str, message_id: str | None = None) -> list[str]:
        """A client's SMS to the account's number: posted to every registered handler as
        `data[0]` = "callback_receive\\n<id>\\n<phone digits>\\n<text>\\n<unix time>"
        (our reading, unconfirmed, docs/sms.md); the handlers' answers. The same
        `message_id` again is a redelivery of that message."""
        if message_id is None:
            self._next_id += 1
            message_id = f"202612-{self._next_id}"
        stamp = int(self.clock().timestamp())
        entry = f"callback_receive\n{message_id}\n{phone.removeprefix('+')}\n{text}\n{stamp}"
        answers = []
        for url in self.callbacks:
            answers.append((await self.post_form(url, [("data[0]", entry)])).text)
        return answers
