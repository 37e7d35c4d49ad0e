"""Short flows on an existing order: record a payment, reschedule, edit the price."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor, PaymentMethod
from core.errors import DomainError
from core.money import parse_money
from core.orders import OrderAction, may_view, require_action
from core.outcomes import OrderChanged, Outcome
from core.ports import Clock, UnitOfWork
from core.services.orders import OrderService
from core.services.when_steps import WHEN_STEPS, not_past, settle_year
from core.when import parse_time, to_utc

PAYMENT = "payment"
RESCHEDULE = "reschedule"
METHODS = {m.value: m.value for m in PaymentMethod}


def _amount(given: DialogInput, data: Mapping[str, Any]) -> int:
    if given.choice == "rest" and data.get("rest"):
        return int(data["rest"])
    return parse_money(given.number or given.text)


PAYMENT_FLOW = Flow(PAYMENT, (Step("amount", _amount), Step("method", choice_of(METHODS))))
RESCHEDULE_FLOW = Flow(RESCHEDULE, WHEN_STEPS)


class _OrderFlowSpec:
    action: OrderAction

    def __init__(self, clock: Clock, orders: OrderService) -> None:
        self._clock = clock
        self._orders = orders

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The order's number and what is still unpaid, and the local date for parsing."""
        found = dict(data)
        settle_year(found)
        if "number" in found:
            return found
        assert actor.organization is not None
        order = await uow.orders.get(actor.organization.id, int(found["order_id"]))
        if order is None or not may_view(actor, order):
            raise DomainError("order_gone")
        require_action(actor, order, self.action)
        local = self._clock.now().astimezone(ZoneInfo(actor.organization.timezone))
        rest = max((order.price_minor or 0) - order.paid_minor, 0)
        found.update(
            number=order.number,
            rest=rest,
            currency=actor.organization.currency,
            today=local.date().isoformat(),
            now_local=local.replace(tzinfo=None).isoformat(),
        )
        return found


class PaymentSpec(_OrderFlowSpec):
    flow = PAYMENT_FLOW
    action = OrderAction.PAY

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        change = await self._orders.act(
            actor,
            int(data["order_id"]),
            OrderAction.PAY,
            uow,
            amount_minor=data["amount"],
            method=data["method"],
        )
        return OrderChanged(change)


class RescheduleSpec(_OrderFlowSpec):
    flow = RESCHEDULE_FLOW
    action = OrderAction.RESCHEDULE

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        assert actor.organization is not None
        when = data["when"]
        scheduled = None
        if when["day"]:
            day, at = date.fromisoformat(when["day"]), parse_time(data.get("time") or when["time"])
            not_past(day, at, data)
            scheduled = to_utc(day, at, actor.organization.timezone)
        change = await self._orders.act(
            actor, int(data["order_id"]), OrderAction.RESCHEDULE, uow, scheduled_at=scheduled
        )
        return OrderChanged(change)
