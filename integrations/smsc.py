"""SMSC.ru over its HTTP API (`sys/send.php`, `sys/status.php`), see docs/sms.md.

Every request is a form POST with the account's `login` and `psw` (an empty login makes
`psw` an API key), `fmt=3` for JSON answers and `charset=utf-8` for the text. Refusals come
with HTTP 200 as `{"error": "...", "error_code": N}`; the codes become `SmsError`s,
permanent or retryable (docs/sms.md, SMSC.ru codes). `cost=3` makes a send answer with the
number of segments, the cost and the balance.

Delivery reports go to the handler URL set in the account's settings (the API has no
per-message callback parameter), so `status_callback_url` is not sent; `parse_callback`
reads what SMSC.ru posts there.

Never logged: the login, password, phones, texts, sender names, request or response bodies,
httpx messages (they can quote URLs). Only the method, an HTTP status, a provider code or an
exception type is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx

from core.channels.sms import (
    DeliveryState,
    InboundSms,
    SmsError,
    SmsFailure,
    SmsReceipt,
    SmsStatus,
    is_e164,
    minor_units,
)

log = logging.getLogger(__name__)

SERVICE = "smsc"
DEFAULT_BASE_URL = "https://smsc.ru"
NOT_FOUND = -3

# `error_code` of send.php; status.php uses 1, 2, 4, 5 (deleting) and 9 the same way.
FAILURES: dict[int, SmsFailure] = {
    1: SmsFailure.REJECTED,  # parameters
    2: SmsFailure.CREDENTIALS,  # login or password (or API key)
    3: SmsFailure.BALANCE,
    4: SmsFailure.LIMIT,  # IP blocked for a while after frequent errors
    5: SmsFailure.REJECTED,  # date format
    6: SmsFailure.REJECTED,  # message forbidden (text or sender name)
    7: SmsFailure.PHONE,  # number format
    8: SmsFailure.PHONE,  # cannot be delivered to this number
    9: SmsFailure.LIMIT,  # the same request repeated, or too many at once
}
# `status` of status.php and of reports: -1 waiting, 0 handed to the operator, 1 delivered,
# 2 read, 4 link opened; -2 stopped, 3 expired, 20 cannot be delivered, 22 wrong number,
# 23 forbidden, 24 no money, 25 number unavailable.
DELIVERED = frozenset({1, 2, 4})
FAILED = frozenset({-2, 3, 20, 22, 23, 24, 25})


def state_of(code: int) -> DeliveryState:
    """Anything not known to be final stays pending, so an unknown code never triggers a
    second send by another channel."""
    if code in DELIVERED:
        return DeliveryState.DELIVERED
    if code in FAILED:
        return DeliveryState.FAILED
    return DeliveryState.PENDING


class HttpSmsc:
    """`core.channels.sms.SmsGateway` for one SMSC.ru account over a shared `httpx.AsyncClient`."""

    provider = SERVICE

    def __init__(
        self,
        client: httpx.AsyncClient,
        login: str,
        password: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._login = login
        self._password = password
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def __repr__(self) -> str:  # no credentials, even in a debugger or a crash dump
        return f"HttpSmsc(base_url={self._base_url!r})"

    async def send(
        self,
        phone: str,
        text: str,
        sender: str | None = None,
        status_callback_url: str | None = None,
    ) -> SmsReceipt:
        """The phone goes with its `+`, which tells SMSC.ru not to "correct" it."""
        if not is_e164(phone):
            raise SmsError(SERVICE, SmsFailure.PHONE)
        form = {"phones": phone, "mes": text, "cost": "3"}
        if sender:
            form["sender"] = sender
        answer = await self._call("send", form)
        message_id = answer.get("id")
        if isinstance(message_id, bool) or not isinstance(message_id, int | str):
            log.warning("SMSC.ru send failed: no id in the answer")
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        segments = _int(answer.get("cnt"))
        return SmsReceipt(str(message_id), segments, minor_units(answer.get("cost")))

    async def status(self, message_id: str, phone: str) -> SmsStatus:
        answer = await self._call("status", {"phone": phone, "id": message_id})
        code = _int(answer.get("status"))
        if code is None:
            log.warning("SMSC.ru status failed: no status in the answer")
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        if code == NOT_FOUND:
            raise SmsError(SERVICE, SmsFailure.NOT_FOUND, str(code))
        at = _unix_time(answer.get("last_timestamp"))
        return SmsStatus(message_id, state_of(code), str(code), at=at)

    async def _call(self, method: str, form: dict[str, str]) -> dict[str, Any]:
        """The decoded answer of an accepted request, else SmsError."""
        body = {
            "login": self._login,
            "psw": self._password,
            **form,
            "fmt": "3",
            "charset": "utf-8",
        }
        url = f"{self._base_url}/sys/{method}.php"
        try:
            response = await self._client.post(url, data=body, timeout=self._timeout)
        except httpx.HTTPError as error:
            log.warning("SMSC.ru %s failed: %s", method, type(error).__name__)
            raise SmsError(SERVICE, SmsFailure.UNAVAILABLE) from None
        if response.status_code != httpx.codes.OK:
            log.warning("SMSC.ru %s failed: HTTP %s", method, response.status_code)
            raise SmsError(SERVICE, _http_failure(response.status_code), str(response.status_code))
        try:
            answer = response.json()
        except ValueError as error:
            log.warning("SMSC.ru %s failed: HTTP 200 with %s", method, type(error).__name__)
            raise SmsError(SERVICE, SmsFailure.PROTOCOL) from None
        if not isinstance(answer, dict):
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        if "error" in answer or "error_code" in answer:
            code = _int(answer.get("error_code"))
            log.warning("SMSC.ru %s refused: code %s", method, code)
            if code is None:
                raise SmsError(SERVICE, SmsFailure.PROTOCOL)
            raise SmsError(SERVICE, FAILURES.get(code, SmsFailure.REJECTED), str(code))
        return answer


def _http_failure(status: int) -> SmsFailure:
    if status >= 500:
        return SmsFailure.UNAVAILABLE
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return SmsFailure.LIMIT
    return SmsFailure.PROTOCOL


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _unix_time(value: Any) -> datetime | None:
    seconds = _int(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_callback(fields: Mapping[str, str]) -> SmsStatus | None:
    """What SMSC.ru POSTs to the account's status handler for an SMS: form fields `id`,
    `phone`, `status` (the codes of status.php) and `err`, plus a time (read from `ts`
    when it is a Unix time; the field set beyond id, phone, status and err is unconfirmed,
    docs/sms.md). None when it is not a status report we can read. The handler answers
    HTTP 200; the report carries no signature we rely on, so the handler URL itself must
    hold a secret."""
    message_id = (fields.get("id") or "").strip()
    code = _int(fields.get("status"))
    if not message_id or code is None:
        return None
    return SmsStatus(message_id, state_of(code), str(code), at=_unix_time(fields.get("ts")))


def parse_inbound(fields: Mapping[str, str]) -> InboundSms | None:
    """An inbound SMS SMSC.ru POSTs to the same handler (docs/sms.md; the callback's field
    list is unconfirmed): the sender's `phone` (digits), the text as `mes` (or `message`, the
    name SMSC.ru's inbox listing `get_answers` uses), our number as `to` (or `to_phone`), the
    message's id as `sms_id` (or `id`) and the time it was sent as `sent` (a Unix time or the
    inbox's "dd.mm.yyyy hh:mm:ss", Moscow time). Told apart from a status report by having a
    text and no `status`. None otherwise."""
    text = fields.get("mes", fields.get("message"))
    if "status" in fields or text is None:
        return None
    phone = "+" + (fields.get("phone") or "").strip().removeprefix("+")
    if not is_e164(phone):
        return None
    at = _sent_time(fields.get("sent") or fields.get("time"))
    message_id = (fields.get("sms_id") or fields.get("id") or "").strip() or None
    return InboundSms(phone, text, at, message_id)


MOSCOW = timezone(timedelta(hours=3))  # SMSC.ru's listings' clock (no DST since 2014)


def _sent_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    stamp = _unix_time(value)
    if stamp is not None:
        return stamp
    try:
        local = datetime.strptime(value.strip(), "%d.%m.%Y %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=MOSCOW).astimezone(UTC)
