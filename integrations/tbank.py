"""T-Bank (Tinkoff) internet acquiring API v2: `Init`, `GetState` and `Cancel`, see
docs/protocols.md.

Every request is a JSON `POST <base>/<Method>` signed with `core.billing.rules.tbank_token`. The
bank answers refusals with HTTP 200 and `"Success": false`; those become `ExternalServiceError`
with `retryable=False`, except the codes the bank means as "try again later", HTTP 429/5xx,
timeouts and network failures, which are retryable.

Never logged: the password, tokens, request or response bodies (a receipt carries the payer's
e-mail or phone, a description may name a client), httpx messages (they can quote URLs and
bodies). Only the method, an HTTP status, an error code or an exception type is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

import httpx

from core.billing.rules import receipt_total, tbank_token
from core.errors import ExternalServiceError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://securepay.tinkoff.ru/v2"
SERVICE = "tbank"
# "3" internal error, "9999" try later (docs/protocols.md); everything else is a refusal that
# repeating the same request will not change (bad token, repeated OrderId, bad parameters).
TRANSIENT_CODES = frozenset({"3", "9999"})


@dataclass(frozen=True, slots=True)
class InitResult:
    """A created payment: send the payer to `payment_url`; `payment_id` is the bank's id."""

    payment_id: str
    payment_url: str
    status: str


@dataclass(frozen=True, slots=True)
class StateResult:
    """The bank's view of a payment (`Status` as in docs/protocols.md, `amount` in kopecks)."""

    status: str
    amount: int
    order_id: str


@dataclass(frozen=True, slots=True)
class CancelResult:
    """A payment taken back: its new `status`, and the amounts before and after (kopecks)."""

    status: str
    original_amount: int
    new_amount: int


class HttpTBank:
    """A T-Bank acquiring terminal over a shared `httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        terminal_key: str,
        password: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._terminal_key = terminal_key
        self._password = password
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def __repr__(self) -> str:  # no password, even in a debugger or a crash dump
        return f"HttpTBank(terminal_key={self._terminal_key!r}, base_url={self._base_url!r})"

    async def init(
        self,
        order_id: str,
        amount: int,
        description: str,
        receipt: dict[str, Any] | None = None,
        notification_url: str | None = None,
        success_url: str | None = None,
        fail_url: str | None = None,
        data: dict[str, str] | None = None,
    ) -> InitResult:
        """Creates a payment of `amount` kopecks; `order_id` must be new for the terminal."""
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive number of kopecks")
        if receipt is not None and receipt_total(receipt) != amount:
            raise ValueError("amount must equal the sum of the receipt items")
        optional = {
            "NotificationURL": notification_url,
            "SuccessURL": success_url,
            "FailURL": fail_url,
            "Receipt": receipt,
            "DATA": data,
        }
        body: dict[str, Any] = {"Amount": amount, "OrderId": order_id, "Description": description}
        body.update({key: value for key, value in optional.items() if value is not None})
        answer = await self._call("Init", body)
        payment_id, payment_url = answer.get("PaymentId"), answer.get("PaymentURL")
        if not _is_id(payment_id) or not isinstance(payment_url, str) or not payment_url:
            raise _malformed("Init")
        return InitResult(str(payment_id), payment_url, _text(answer.get("Status"), "NEW"))

    async def get_state(self, payment_id: str) -> StateResult:
        """The payment's current status, amount and our order id."""
        answer = await self._call("GetState", {"PaymentId": payment_id})
        status, amount, order_id = (
            answer.get("Status"),
            answer.get("Amount"),
            answer.get("OrderId"),
        )
        if not isinstance(status, str) or not _is_kopecks(amount) or not _is_id(order_id):
            raise _malformed("GetState")
        return StateResult(status, amount, str(order_id))

    async def cancel(
        self, payment_id: str, amount: int | None = None, external_request_id: str | None = None
    ) -> CancelResult:
        """Takes a payment back (a reversal before CONFIRMED, a refund after); `amount` in
        kopecks for a part, None for all of what is left. `external_request_id` is our id
        of this cancel operation (ExternalRequestId), the same on every retry of it."""
        fields: dict[str, Any] = {"PaymentId": payment_id}
        if amount is not None:
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                raise ValueError("amount must be a positive number of kopecks")
            fields["Amount"] = amount
        if external_request_id is not None:
            fields["ExternalRequestId"] = external_request_id
        answer = await self._call("Cancel", fields)
        status, before, after = (
            answer.get("Status"),
            answer.get("OriginalAmount"),
            answer.get("NewAmount"),
        )
        if not isinstance(status, str) or not _is_kopecks(before) or not _is_kopecks(after):
            raise _malformed("Cancel")
        return CancelResult(status, before, after)

    async def _call(self, method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The decoded answer of a successful call; raises ExternalServiceError otherwise."""
        body = {"TerminalKey": self._terminal_key, **fields}
        body["Token"] = tbank_token(body, self._password)
        response = await self._post(method, body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            log.warning("T-Bank %s failed: HTTP 200 without a JSON object", method)
            raise ExternalServiceError(SERVICE, f"{method}: unreadable answer", retryable=True)
        if answer.get("Success") is not True or _text(answer.get("ErrorCode"), "0") != "0":
            raise _refusal(method, answer)
        return answer

    async def _post(self, method: str, body: dict[str, Any]) -> httpx.Response:
        """The HTTP 200 response; transport failures and other statuses raise."""
        url = f"{self._base_url}/{method}"
        try:
            response = await self._client.post(url, json=body, timeout=self._timeout)
        except httpx.TimeoutException as error:
            log.warning("T-Bank %s failed: %s", method, type(error).__name__)
            raise ExternalServiceError(SERVICE, f"{method}: timeout", retryable=True) from None
        except httpx.HTTPError as error:
            log.warning("T-Bank %s failed: %s", method, type(error).__name__)
            reason = f"{method}: {type(error).__name__}"
            raise ExternalServiceError(SERVICE, reason, retryable=True) from None
        status = response.status_code
        if status != httpx.codes.OK:
            log.warning("T-Bank %s failed: HTTP %s", method, status)
            retryable = status == httpx.codes.TOO_MANY_REQUESTS or status >= 500
            raise ExternalServiceError(SERVICE, f"{method}: HTTP {status}", retryable=retryable)
        return response


def _refusal(method: str, answer: Mapping[str, Any]) -> ExternalServiceError:
    """`Success: false` with HTTP 200: the code decides whether a retry may help."""
    code = _text(answer.get("ErrorCode"), "unknown")
    message = _text(answer.get("Message"), "")
    details = _text(answer.get("Details"), "")
    log.warning("T-Bank %s refused: error code %s", method, code)
    reason = " ".join(part for part in (f"{method}: {code}", message, details) if part)
    return ExternalServiceError(SERVICE, reason, retryable=code in TRANSIENT_CODES)


def _malformed(method: str) -> ExternalServiceError:
    log.warning("T-Bank %s failed: success without the expected fields", method)
    return ExternalServiceError(SERVICE, f"{method}: unexpected answer", retryable=False)


def _text(value: Any, default: str) -> str:
    """Error codes are strings in the schema, but tolerate numbers."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return default


def _is_id(value: Any) -> bool:
    """An id or amount the bank may send as a string or as a number."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and bool(value))


def _is_kopecks(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
