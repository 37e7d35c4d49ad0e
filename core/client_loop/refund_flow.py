"""The staff's refund conversation (issue 19, item 7): "↩️ Refund" on a card paid online
starts it; the amount (typed, or "all that is left" tapped), then "Yes, refund". The last
step reserves the amount and queues the bank's Cancel in the conversation's unit of work
(`PayRefunds.reserve`), so a double tap of the confirmation is an earlier step's button and
nothing is asked twice; more than is left is asked again with what is."""

from __future__ import annotations

from dataclasses import replace

from core.client_loop.refunds import PayRefunds, paid_online
from core.dialogs.engine import DialogInput, Flow, Step, choice_of, required
from core.dialogs.payment_data import RefundData
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.money import parse_money
from core.outcomes import Outcome, RefundRequested
from core.permissions import Action, require
from core.ports import UnitOfWork

ALL = "all"
YES = "yes"


def _amount(given: DialogInput, data: RefundData) -> int:
    left = required(data.left)
    amount = left if given.choice == ALL else parse_money(given.number or given.text)
    if amount > left:
        raise DomainError("refund_too_much")
    return amount


REFUND_FLOW = Flow(RefundData, (Step("amount", _amount), Step("sure", choice_of({YES: YES}))))


class RefundSpec(Spec[RefundData]):
    flow = REFUND_FLOW

    def __init__(self, payments: PayRefunds) -> None:
        self._payments = payments

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: RefundData) -> RefundData:
        """What was paid online and what is left to refund, when the conversation begins."""
        if data.left is not None:
            return data
        require(actor, Action.ORDER_CANCEL)
        assert actor.organization is not None
        org_id = actor.organization.id
        order = await uow.orders.get(org_id, data.order_id)
        paid = await paid_online(uow, org_id, data.order_id)
        if order is None or paid is None:
            raise DomainError("refund_unavailable")
        return replace(
            data, number=order.number, paid=paid.amount_minor,
            refunded=paid.amount_minor - paid.refundable_minor,
            left=paid.refundable_minor, currency=actor.organization.currency,
        )  # fmt: skip

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: RefundData
    ) -> Outcome:
        amount = required(data.amount)
        whole = None if amount == required(data.left) else amount
        _, asked = await self._payments.reserve(uow, actor, data.order_id, whole)
        return RefundRequested(required(data.number), asked, required(data.currency))
