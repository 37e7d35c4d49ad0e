"""Short flows on an existing order: record a payment, reschedule, edit a detail (address,
work, time, price, description; the answers parsed as /neworder parses them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from core.dialogs import DialogInput, Flow, Step, choice_of
from core.domain import Actor, Order, PaymentMethod
from core.errors import DomainError
from core.money import parse_money
from core.order_edits import Field, editable_fields
from core.orders import OrderAction, available_actions, may_view, require_action
from core.outcomes import OrderChanged, Outcome
from core.ports import Clock, UnitOfWork
from core.services.order_steps import (
    category_of,
    parse_address,
    parse_category,
    parse_description,
    parse_price,
    place_of,
)
from core.services.orders import OrderService
from core.services.when_steps import WHEN_STEPS, not_past, settle_year
from core.when import parse_time, to_utc

PAYMENT = "payment"
RESCHEDULE = "reschedule"
ORDER_EDIT = "order_edit"
WHEN = "when"  # editing the time is rescheduling
METHODS = {m.value: m.value for m in PaymentMethod}


def _amount(given: DialogInput, data: Mapping[str, Any]) -> int:
    if given.choice == "rest" and data.get("rest"):
        return int(data["rest"])
    return parse_money(given.number or given.text)


def _field(given: DialogInput, data: Mapping[str, Any]) -> str:
    return choice_of({f: f for f in data.get("fields", [])})(given, data)


def _only(field: str, step: Step) -> Step:
    """The step, asked only when editing `field`."""
    inner = step.skip

    def skip(data: Mapping[str, Any]) -> bool:
        return data.get("field") != field or (inner is not None and inner(data))

    return replace(step, skip=skip)


PAYMENT_FLOW = Flow(PAYMENT, (Step("amount", _amount), Step("method", choice_of(METHODS))))
RESCHEDULE_FLOW = Flow(RESCHEDULE, WHEN_STEPS)
EDIT_FLOW = Flow(
    ORDER_EDIT,
    (
        Step("field", _field),
        _only(Field.ADDRESS, Step("address", parse_address)),
        _only(Field.CATEGORY, Step("category", parse_category)),
        *(_only(WHEN, step) for step in WHEN_STEPS),
        _only(Field.PRICE, Step("price", parse_price)),
        _only(Field.DESCRIPTION, Step("description", parse_description)),
    ),
)


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
        return await _reschedule(self._orders, uow, actor, data)


async def _reschedule(
    orders: OrderService, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
) -> Outcome:
    assert actor.organization is not None
    when = data["when"]
    scheduled = None
    if when["day"]:
        day, at = date.fromisoformat(when["day"]), parse_time(data.get("time") or when["time"])
        not_past(day, at, data)
        scheduled = to_utc(day, at, actor.organization.timezone)
    change = await orders.act(
        actor, int(data["order_id"]), OrderAction.RESCHEDULE, uow, scheduled_at=scheduled
    )
    return OrderChanged(change)


class EditSpec(_OrderFlowSpec):
    """'✏️ Edit' on a card: which detail, then its new value; owners and managers only
    (`OrderAction.EDIT`), the time through rescheduling."""

    flow = EDIT_FLOW
    action = OrderAction.EDIT

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        found = dict(await super().enrich(uow, actor, data))
        if "fields" in found:
            return found
        assert actor.organization is not None
        order = await uow.orders.get(actor.organization.id, int(found["order_id"]))
        assert order is not None  # the parent checked it
        categories = [[c.id, c.name] for c in await uow.categories.listing(order.organization_id)]
        found.update(fields=_fields(actor, order, bool(categories)), categories=categories)
        return found

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome:
        if data["field"] == WHEN:
            return await _reschedule(self._orders, uow, actor, data)
        field = Field(data["field"])
        values = {
            Field.ADDRESS: place_of(data),
            Field.CATEGORY: category_of(data),
            Field.PRICE: data.get("price"),
            Field.DESCRIPTION: data.get("description"),
        }
        change = await self._orders.act(
            actor, int(data["order_id"]), OrderAction.EDIT, uow, field=field, value=values[field]
        )
        return OrderChanged(change)


def _fields(actor: Actor, order: Order, has_categories: bool) -> list[str]:
    """What the edit offers, in the order of the /neworder confirmation card."""
    fields: list[str] = [
        f for f in editable_fields(order) if f is not Field.CATEGORY or has_categories
    ]
    movable = OrderAction.RESCHEDULE in available_actions(actor, order)
    if movable:
        fields.insert(fields.index(Field.PRICE) if Field.PRICE in fields else len(fields), WHEN)
    return fields
