"""Adding a line to an order (issue 20, item 4): its assignee on site, or an owner or a
manager, from the card. One unit of work: the line (and, on an order priced before it had
lines, that price as its first line), the order's new total and line count, an event, and
the cards and notices of the change (`core.orders.changes`: managers hear of it, the assignee
of one a manager added). When the organization wants a changed total approved and the client
can hear of it, the order waits for that approval before Done (`approval_minor`).

The invariant (docs/line-items.md): an order with lines has `price_minor` equal to their sum;
an order without (`line_count` 0) has one line, its price as agreed.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue.model import MAX_LINES, MAX_PRICE_MINOR, LineItem, NewLine, check_line
from core.catalogue.rules import may_add_line
from core.changes import KEEP, OrderUpdate
from core.client_loop.providers import CHANNEL_SECRETS
from core.domain import Actor, Order, OrderStatus
from core.errors import DomainError
from core.orders.cards import visible_order
from core.orders.changes import OrderChanges
from core.permissions import Action, allowed, require_writable
from core.ports import Clock, UnitOfWork, UowFactory
from core.views import OrderChange

LINE_EVENT = "line"


@dataclass(frozen=True, slots=True)
class LineAdded:
    change: OrderChange
    line: LineItem
    approval: bool  # the client is asked to approve the new total


class OrderLines:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._changes = OrderChanges(clock)

    async def lines(self, actor: Actor, order_id: int) -> tuple[Order, tuple[LineItem, ...]]:
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            found = await uow.catalogue.lines(order.organization_id, [order.id])
            return order, found.get(order.id, ())

    async def check(self, uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
        """The order, if this person may add a line to it now."""
        order = await visible_order(uow, actor, order_id)
        require_writable(actor)
        if not may_add_line(actor, order):
            if order.status is OrderStatus.DONE and not allowed(actor.role, Action.ORDER_ASSIGN):
                raise DomainError("order_already", status=order.status.value, number=order.number)
            raise DomainError("forbidden", action="order.line")
        if order.line_count >= MAX_LINES:
            raise DomainError("lines_too_many", limit=MAX_LINES)
        return order

    async def add_line(self, actor: Actor, order_id: int, line: NewLine) -> LineAdded:
        """Add `line` in a unit of work of its own."""
        async with self._uow() as uow:
            added = await self.add(uow, actor, order_id, line)
            await uow.commit()
            return added

    async def add(self, uow: UnitOfWork, actor: Actor, order_id: int, line: NewLine) -> LineAdded:
        """Add `line` in the caller's unit of work (the update's)."""
        order = await self.check(uow, actor, order_id)
        line = check_line(line)
        if line.item_id is not None:
            item = await uow.catalogue.item(order.organization_id, line.item_id)
            if item is None:
                raise DomainError("not_found")
        now, org_id = self._clock.now(), order.organization_id
        count = order.line_count
        if count == 0 and order.price_minor:  # the price as agreed becomes the first line
            await uow.catalogue.add_line(
                org_id, order.id, 0, None, order.created_by, now, agreed_minor=order.price_minor
            )
            count = 1
        added = await uow.catalogue.add_line(org_id, order.id, count, line, actor.user.id, now)
        before = order.price_minor or 0
        total = before + added.total_minor
        if total > MAX_PRICE_MINOR:
            raise DomainError("money_range", example="1500")
        approval = await _needs_approval(uow, order, total, before)
        update = OrderUpdate(
            price_minor=total,
            line_count=count + 1,
            approval_minor=total if approval else order.approval_minor,
            approval_declined_at=None if approval else KEEP,  # a new total: asked anew
        )
        changed = await uow.orders.change(order, now, update)
        if changed is None:
            raise DomainError("order_changed", number=order.number)
        data = {
            "line_id": added.id,
            "item_id": line.item_id,
            "amount_minor": added.total_minor,
            "from": order.price_minor,
            "to": total,
            "approval": approval,
        }
        await uow.orders.add_event(changed, actor.user.id, LINE_EVENT, data, now)
        change = await self._changes.drawn(uow, actor, order, changed, LINE_EVENT)
        return LineAdded(change, added, approval)


async def _needs_approval(uow: UnitOfWork, order: Order, total: int, before: int) -> bool:
    """The organization wants a changed total approved and the client can be asked."""
    if order.client_id is None or total == before:
        return False
    settings = await uow.client_loop.settings(order.organization_id)
    if not settings.approve_total:
        return False
    return await uow.client_loop.may_hear(order.organization_id, order.client_id, CHANNEL_SECRETS)
