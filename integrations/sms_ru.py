"""SMS.ru over its HTTP API (`sms/send`, `sms/status`, `callback/add`), see docs/sms.md.

Every request is a form POST to `<base>/<method>` with the account's `api_id` and `json=1`;
answers are JSON with HTTP 200 even for refusals: a top-level `status`/`status_code` (100 is
OK) and, for sends and status queries, one entry per phone or message id with its own code.
Those codes become `SmsError`s, permanent or retryable (docs/sms.md, SMS.ru codes).

Delivery reports go to the URLs registered for the account with `callback/add` (there is no
per-message callback parameter): `send(..., status_callback_url=...)` registers a URL the
first time this adapter sees it. `parse_callback` reads what SMS.ru posts there.

Never logged: the api_id, phones, texts, sender names, request or response bodies, httpx
messages (they can quote URLs). Only the method, an HTTP status, a provider code or an
exception type is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
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

SERVICE = "sms_ru"
DEFAULT_BASE_URL = "https://sms.ru"
OK = 100
NOT_FOUND = -1
CALLBACK_ACK = "100"  # SMS.ru repeats a report until the handler answers exactly this
INBOUND = "callback_receive"  # an inbound SMS entry's first line (unconfirmed, docs/sms.md)

# Codes a request or one of its messages can be refused with (docs/sms.md).
FAILURES: dict[int, SmsFailure] = {
    **dict.fromkeys((200, 300, 301, 302), SmsFailure.CREDENTIALS),
    201: SmsFailure.BALANCE,
    **dict.fromkeys((202, 207, 209, 214, 215), SmsFailure.PHONE),
    **dict.fromkeys((203, 204, 205, 208, 210, 211, 212, 213, 216, 901, 902), SmsFailure.REJECTED),
    **dict.fromkeys((206, 230, 231, 232, 233, 304, 305), SmsFailure.LIMIT),
    **dict.fromkeys(range(501, 509), SmsFailure.LIMIT),
    **dict.fromkeys((220, 500), SmsFailure.UNAVAILABLE),
    NOT_FOUND: SmsFailure.NOT_FOUND,
}
# Message status codes (`sms/status` and callbacks).
DELIVERED = frozenset({103, 110})  # delivered; read (Viber)
FAILED = frozenset({104, 105, 106, 107, 108, 150})  # expired, deleted, phone, unknown, ...


def state_of(code: int) -> DeliveryState:
    """100 queued, 101 to the operator, 102 sent (in transit) and anything unknown stay
    pending: a code we do not know is never taken for a failure that would send again."""
    if code in DELIVERED:
        return DeliveryState.DELIVERED
    if code in FAILED:
        return DeliveryState.FAILED
    return DeliveryState.PENDING


class HttpSmsRu:
    """`core.channels.sms.SmsGateway` for one SMS.ru account over a shared `httpx.AsyncClient`."""

    provider = SERVICE

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_id: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._api_id = api_id
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._callbacks: set[str] = set()

    def __repr__(self) -> str:  # no api_id, even in a debugger or a crash dump
        return f"HttpSmsRu(base_url={self._base_url!r})"

    async def send(
        self,
        phone: str,
        text: str,
        sender: str | None = None,
        status_callback_url: str | None = None,
    ) -> SmsReceipt:
        """SMS.ru's answer carries the message id only: no segments, no cost (its status
        does say the cost). A callback URL SMS.ru refuses is logged and skipped."""
        if not is_e164(phone):
            raise SmsError(SERVICE, SmsFailure.PHONE)
        if status_callback_url is not None and status_callback_url not in self._callbacks:
            try:
                await self.register_callback(status_callback_url)
            except SmsError as error:
                if error.failure is not SmsFailure.REJECTED:
                    raise  # credentials, money, outage: the send would fail the same way
                # A URL SMS.ru refuses must not keep the client's message back: sent without
                # reports (status queries still work), registration tried again next time.
        form = {"to": phone.removeprefix("+"), "msg": text}
        if sender:
            form["from"] = sender
        entry = _single_entry(await self._call("sms/send", form))
        _check(entry, "sms/send")
        message_id = entry.get("sms_id")
        if not isinstance(message_id, str) or not message_id:
            log.warning("SMS.ru sms/send failed: no sms_id in the answer")
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        return SmsReceipt(message_id)

    async def status(self, message_id: str, phone: str) -> SmsStatus:
        """`phone` is not needed by SMS.ru (the id is the account's own)."""
        payload = await self._call("sms/status", {"sms_id": message_id})
        entries = payload.get("sms")
        entry = entries.get(message_id) if isinstance(entries, dict) else None
        if not isinstance(entry, dict):
            entry = _single_entry(payload)
        _check(entry, "sms/status")
        code = _int(entry.get("status_code"))
        if code is None:
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        return SmsStatus(message_id, state_of(code), str(code), minor_units(entry.get("cost")))

    async def register_callback(self, url: str) -> None:
        """Add `url` to the account's delivery-report handlers (`callback/add`)."""
        await self._call("callback/add", {"url": url})
        self._callbacks.add(url)

    async def _call(self, method: str, form: dict[str, str]) -> dict[str, Any]:
        """The decoded answer of an accepted request (top-level status OK), else SmsError."""
        body = {"api_id": self._api_id, **form, "json": "1"}
        url = f"{self._base_url}/{method}"
        try:
            response = await self._client.post(url, data=body, timeout=self._timeout)
        except httpx.HTTPError as error:
            log.warning("SMS.ru %s failed: %s", method, type(error).__name__)
            raise SmsError(SERVICE, SmsFailure.UNAVAILABLE) from None
        if response.status_code != httpx.codes.OK:
            log.warning("SMS.ru %s failed: HTTP %s", method, response.status_code)
            raise SmsError(SERVICE, _http_failure(response.status_code), str(response.status_code))
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("SMS.ru %s failed: HTTP 200 with %s", method, type(error).__name__)
            raise SmsError(SERVICE, SmsFailure.PROTOCOL) from None
        if not isinstance(payload, dict):
            raise SmsError(SERVICE, SmsFailure.PROTOCOL)
        _check(payload, method)
        return payload


def _http_failure(status: int) -> SmsFailure:
    if status >= 500:
        return SmsFailure.UNAVAILABLE
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return SmsFailure.LIMIT
    return SmsFailure.PROTOCOL


def _check(answer: Mapping[str, Any], method: str) -> None:
    """Raise for `{"status": "ERROR", "status_code": N}` (a request or one message)."""
    code = _int(answer.get("status_code"))
    if answer.get("status") == "OK" and code is not None:
        return
    if code is None or code == OK:  # ERROR without a code, or a shape we do not know
        log.warning("SMS.ru %s failed: unexpected answer", method)
        raise SmsError(SERVICE, SmsFailure.PROTOCOL)
    log.warning("SMS.ru %s refused: code %s", method, code)
    raise SmsError(SERVICE, FAILURES.get(code, SmsFailure.REJECTED), str(code))


def _single_entry(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The one per-phone (or per-id) entry of `sms`; its key is SMS.ru's spelling of it."""
    entries = payload.get("sms")
    if not isinstance(entries, dict) or len(entries) != 1:
        log.warning("SMS.ru answer without exactly one entry")
        raise SmsError(SERVICE, SmsFailure.PROTOCOL)
    (entry,) = entries.values()
    if not isinstance(entry, dict):
        raise SmsError(SERVICE, SmsFailure.PROTOCOL)
    return entry


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def parse_callback(fields: Iterable[tuple[str, str]]) -> list[SmsStatus]:
    """What SMS.ru POSTs to a registered handler: form fields `data[0]`, `data[1]`, ... (up
    to 100), each lines joined by "\\n": `sms_status`, the message id, the status code and
    (unconfirmed, docs/sms.md) a Unix time. Entries of other kinds and malformed ones are
    skipped. The handler must answer `CALLBACK_ACK` ("100") or SMS.ru sends them again."""
    statuses: list[SmsStatus] = []
    for key, value in fields:
        if not key.startswith("data["):
            continue
        lines = [line.strip() for line in value.replace("\r", "").split("\n")]
        if len(lines) < 3 or lines[0] != "sms_status" or not lines[1]:
            continue
        code = _int(lines[2])
        if code is None:
            continue
        at = _unix_time(lines[3]) if len(lines) > 3 else None
        statuses.append(SmsStatus(lines[1], state_of(code), str(code), at=at))
    return statuses


def _unix_time(text: str) -> datetime | None:
    seconds = _int(text)
    if seconds is None or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_inbound(fields: Iterable[tuple[str, str]]) -> list[InboundSms]:
    """Inbound SMS in the same `data[N]` entries (unconfirmed, docs/sms.md: SMS.ru's callback
    documentation names only `sms_status` and `callcheck_status` entries): the lines
    `callback_receive`, the message id, the sender's number (digits), the text (which may
    itself hold line breaks, so it is everything up to a last line that is a Unix time).
    Malformed entries and numbers that are not E.164 are skipped."""
    found: list[InboundSms] = []
    for key, value in fields:
        if not key.startswith("data["):
            continue
        lines = value.replace("\r", "").split("\n")
        if len(lines) < 4 or lines[0].strip() != INBOUND:
            continue
        phone = "+" + lines[2].strip().removeprefix("+")
        body, at = lines[3:], None
        if len(body) > 1 and _unix_time(body[-1].strip()) is not None:
            at = _unix_time(body[-1].strip())
            body = body[:-1]
        if is_e164(phone):
            found.append(InboundSms(phone, "\n".join(body), at, lines[1].strip() or None))
    return found
