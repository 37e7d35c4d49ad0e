"""The local T-Bank terminal (`sandbox.peers.tbank.FakeTBank`) with `/v2/Cancel`, as an
organization's own terminal uses it to refund a client's payment (docs/protocols.md).

    async with FakeTBankTerminal(terminal_key="OrgTerminal", password="org-secret") as bank:
        ...  # Init, GetState and the notifications as FakeTBank; Cancel as below

Cancel (`TerminalKey`, `PaymentId`, optional `Amount`, optional `ExternalRequestId`,
`Token`): AUTHORIZED is reversed (`REVERSED`, or `PARTIAL_REVERSED` for a part), CONFIRMED
refunded (`REFUNDED` / `PARTIAL_REFUNDED`), as often as something is left (a part of what
is left keeps `PARTIAL_*`, the rest ends in `REFUNDED` / `REVERSED`); NEW or FORM_SHOWED
cancelled (`CANCELED`, `Amount` ignored); anything else, an unknown payment, a zero amount
or more than is left is refused as the bank refuses (HTTP 200, `Success: false`). The answer
has `OriginalAmount` (what was left before) and `NewAmount` (what is left after); GetState
and the notifications keep the payment's `Amount`. A Cancel repeating an `ExternalRequestId`
is the same operation: answered as the first time, nothing taken back again. Each move is
notified like `pay`'s, signed, before the answer; `bank.cancels` holds the Cancel requests
that moved money, `bank.left[payment_id]` what is left.

`bank.drop_notifications = True`: notifications are lost on the way (recorded in
`bank.deliveries` with no answer and kept for `redeliver`, nothing reaches our endpoint), as
when the bank's webhook or our endpoint is down.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.peers.tbank import BASE_PATH, NOT_MATCHED, PRE_AUTH, Delivery, FakeTBank, refusal

CANCEL_NOT_ALLOWED = "9"  # "the operation is not allowed in the payment's status"


class FakeTBankTerminal(FakeTBank):
    def __init__(self, terminal_key: str = "OrgTerminal", password: str = "org-secret") -> None:  # noqa: S107
        super().__init__(terminal_key, password)
        route = Route(f"{BASE_PATH}/Cancel", self._cancel, methods=["POST"])
        assert isinstance(self.app, Starlette)
        self.app.router.routes.append(route)
        self.cancels: list[dict[str, Any]] = []
        self.left: dict[str, int] = {}  # what is left of a payment after a partial refund
        self._operations: dict[tuple[str, str], dict[str, Any]] = {}  # ExternalRequestId
        self.drop_notifications = False

    async def _deliver(self, url: str, payload: dict[str, Any], retried: bool = False) -> Delivery:
        if not self.drop_notifications:
            return await super()._deliver(url, payload, retried)
        lost = Delivery(url, payload, None, "")
        self.deliveries.append(lost)
        if retried:
            self._unacknowledged.append((url, payload))
        return lost

    async def _cancel(self, request: Request) -> Response:
        body = await self._accept(request, "PaymentId")
        if isinstance(body, Response):
            return body
        payment = self.payments.get(str(body["PaymentId"]))
        if payment is None:
            return refusal(NOT_MATCHED, "Платёж не найден.")
        operation = (payment.payment_id, str(body.get("ExternalRequestId", "")))
        if operation[1] and operation in self._operations:  # the same operation again
            return JSONResponse(self._operations[operation])
        before = self.left.get(payment.payment_id, payment.amount)
        amount = body.get("Amount", before)
        if payment.status in PRE_AUTH:
            amount = before  # a payment not made is cancelled whole
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= before:
            return refusal(NOT_MATCHED, "Сумма отмены больше суммы платежа.")
        partial = amount < before
        if payment.status in PRE_AUTH:
            status = "CANCELED"
        elif payment.status in ("AUTHORIZED", "PARTIAL_REVERSED"):
            status = "PARTIAL_REVERSED" if partial else "REVERSED"
        elif payment.status in ("CONFIRMED", "PARTIAL_REFUNDED"):
            status = "PARTIAL_REFUNDED" if partial else "REFUNDED"
        else:
            return refusal(CANCEL_NOT_ALLOWED, "Операция отмены недоступна для платежа.")
        self.cancels.append(body)
        self.left[payment.payment_id] = before - amount
        payment.history.append(status)
        if (url := self._url(payment)) is not None:
            await self._deliver(url, self.notification(payment.payment_id), retried=True)
        answer = self._answer(payment, OriginalAmount=before, NewAmount=before - amount)
        if operation[1]:
            self._operations[operation] = answer
        return JSONResponse(answer)
