"""Short flows on an existing order: record a payment, reschedule, edit a detail (address,
work, time, price, description; the answers parsed as /neworder parses them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.dialogs.data import OrderEditData, Ref, RescheduleData, WhenData
from core.dialogs.engine import DialogData, DialogInput, Flow, Step, choice_of, required
from core.dialogs.payment_data import PaymentData
from core.dialogs.service import Spec
from core.domain import Actor, Order, PaymentMethod
from core.errors import DomainError
from core.money import parse_money
from core.orders.edits import Field, editable_fields
from core.orders.rules import OrderAction, available_actions, may_view, require_action
from core.orders.service import OrderService
from core.orders.steps import (
    category_of,
    parse_address,
    parse_category,
    parse_description,
    parse_price,
    place_of,
)
from core.orders.when_steps import WHEN_STEPS, not_past, settle_year
from core.outcomes import OrderChanged, Outcome
from core.ports import Clock, UnitOfWork
from core.when import to_utc

PAYMENT = PaymentData.flow
RESCHEDULE = RescheduleData.flow
ORDER_EDIT = OrderEditData.flow
WHEN = "when"  # editing the time is rescheduling
METHODS = {m.value: m.value for m in PaymentMethod}
F = TypeVar("F", bound=DialogData)


def _amount(given: DialogInput, data: PaymentData) -> int:
    if given.choice == "rest" and data.rest:
        return data.rest
    return parse_money(given.number or given.text)


def _field(given: DialogInput, data: OrderEditData) -> str:
    return choice_of({f: f for f in data.fields or ()})(given, data)


def _only(field: str, step: Step[OrderEditData]) -> Step[OrderEditData]:
    """The step, asked only when editing `field`."""
    inner = step.skip

    def skip(data: OrderEditData) -> bool:
        return data.field != field or (inner is not None and inner(data))

    return replace(step, skip=skip)


PAYMENT_FLOW = Flow(PaymentData, (Step("amount", _amount), Step("method", choice_of(METHODS))))
RESCHEDULE_FLOW = Flow(RescheduleData, WHEN_STEPS)
EDIT_FLOW = Flow(
    OrderEditData,
    (
        Step("field", _field),
        _only(Field.ADDRESS, Step("address", parse_address)),
        _only(Field.CATEGORY, Step("category", parse_category)),
        *(_only(WHEN, step) for step in WHEN_STEPS),
        _only(Field.PRICE, Step("price", parse_price)),
        _only(Field.DESCRIPTION, Step("description", parse_description)),
    ),
)


class _OrderFlowSpec(Spec[F]):
    action: OrderAction

    def __init__(self, clock: Clock, orders: OrderService) -> None:
        self._clock = clock
        self._orders = orders

    async def _order(self, uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
        """The order, still there, visible and open to this flow's action."""
        assert actor.organization is not None
        order = await uow.orders.get(actor.organization.id, order_id)
        if order is None or not may_view(actor, order):
            raise DomainError("order_gone")
        require_action(actor, order, self.action)
        return order

    def _local_now(self, actor: Actor) -> datetime:
        """The organization's wall clock, which days and times are read against."""
        assert actor.organization is not None
        zone = ZoneInfo(actor.organization.timezone)
        return self._clock.now().astimezone(zone).replace(tzinfo=None)


class PaymentSpec(_OrderFlowSpec[PaymentData]):
    flow = PAYMENT_FLOW
    action = OrderAction.PAY

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: PaymentData) -> PaymentData:
        """The order's number and what is still unpaid."""
        if data.number is not None:
            return data
        assert actor.organization is not None
        order = await self._order(uow, actor, data.order_id)
        rest = max((order.price_minor or 0) - order.paid_minor, 0)
        currency = actor.organization.currency
        return replace(data, number=order.number, rest=rest, currency=currency)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: PaymentData
    ) -> Outcome:
        change = await self._orders.act(
            actor,
            data.order_id,
            OrderAction.PAY,
            uow,
            amount_minor=required(data.amount),
            method=required(data.method),
        )
        return OrderChanged(change)


class RescheduleSpec(_OrderFlowSpec[RescheduleData]):
    flow = RESCHEDULE_FLOW
    action = OrderAction.RESCHEDULE

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: RescheduleData) -> RescheduleData:
        """The order's number and the local date for parsing; the year question settled."""
        data = settle_year(data)
        if data.number is not None:
            return data
        order, local = await self._order(uow, actor, data.order_id), self._local_now(actor)
        return replace(data, number=order.number, today=local.date(), now_local=local)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: RescheduleData
    ) -> Outcome:
        return await _reschedule(self._orders, uow, actor, data, data.order_id)


async def _reschedule(
    orders: OrderService, uow: UnitOfWork, actor: Actor, data: WhenData, order_id: int
) -> Outcome:
    assert actor.organization is not None
    when = required(data.when)
    scheduled = None
    if when.day is not None:
        at = required(data.time or when.time)
        not_past(when.day, at, data)
        scheduled = to_utc(when.day, at, actor.organization.timezone)
    change = await orders.act(actor, order_id, OrderAction.RESCHEDULE, uow, scheduled_at=scheduled)
    return OrderChanged(change)


class EditSpec(_OrderFlowSpec[OrderEditData]):
    """'✏️ Edit' on a card: which detail, then its new value; owners and managers only
    (`OrderAction.EDIT`), the time through rescheduling."""

    flow = EDIT_FLOW
    action = OrderAction.EDIT

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: OrderEditData) -> OrderEditData:
        """What may change, the categories, and the local date for parsing a new time."""
        data = settle_year(data)
        if data.number is not None:
            return data
        order, local = await self._order(uow, actor, data.order_id), self._local_now(actor)
        listed = await uow.categories.listing(order.organization_id)
        categories = tuple(Ref(c.id, c.name) for c in listed)
        return replace(
            data,
            number=order.number,
            today=local.date(),
            now_local=local,
            fields=tuple(_fields(actor, order, bool(categories))),
            categories=categories,
        )

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: OrderEditData
    ) -> Outcome:
        if data.field == WHEN:
            return await _reschedule(self._orders, uow, actor, data, data.order_id)
        field = Field(required(data.field))
        place = place_of(data)
        values = {
            Field.ADDRESS: {"text": place.text, "lat": place.lat, "lon": place.lon},
            Field.CATEGORY: category_of(data),
            Field.PRICE: data.price,
            Field.DESCRIPTION: data.description,
        }
        change = await self._orders.act(
            actor, data.order_id, OrderAction.EDIT, uow, field=field, value=values[field]
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
