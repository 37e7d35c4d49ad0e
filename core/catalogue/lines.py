"""Adding, changing and removing an order's lines (issue 20, item 4): its assignee on site,
or an owner or a manager, from the card ("➕ Add line", "🧾 Lines"; a line is changed or
removed only until Done, when the invoice is issued). One unit of work: the line (and, on
an order priced before it had lines, that price as its first line), the order's new total
and line count, an event, and the cards and notices of the change (`core.orders.changes`:
managers hear of it, the assignee of one a manager made). When the organization wants a
changed total approved and the client can hear of it, the order waits for that approval
before Done (`approval_minor`).

The invariant (docs/line-items.md): an order with lines has `price_minor` equal to their sum;
an order without (`line_count` 0) has one line, its price as agreed (removing the last row
leaves the order without a price).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue.model import MAX_LINES, MAX_PRICE_MINOR, LineItem, NewLine, check_line
from core.catalogue.rules import may_add_line, may_change_lines
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
LINE_EDIT_EVENT = "line_edit"  # a line's quantity changed, or a line removed


@dataclass(frozen=True, slots=True)
class LineAdded:
    change: OrderChange
    line: LineItem
    approval: bool  # the client is asked to approve the new total


@dataclass(frozen=True, slots=True)
class LineEdited:
    change: OrderChange
    line: LineItem  # as changed; a removed line as it was
    removed: bool
    approval: bool


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
        approval = await needs_approval(uow, order, total, before)
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

    async def edit_line(
        self, actor: Actor, order_id: int, line_id: int, quantity_milli: int | None
    ) -> LineEdited:
        """Change a line's quantity (`quantity_milli` None: remove it) in a unit of work."""
        async with self._uow() as uow:
            edited = await self.edit(uow, actor, order_id, line_id, quantity_milli)
            await uow.commit()
            return edited

    async def editable_lines(
        self, actor: Actor, order_id: int
    ) -> tuple[Order, tuple[LineItem, ...]]:
        """The order and its lines, if this person may change or remove them now."""
        async with self._uow() as uow:
            order = await self.check_edit(uow, actor, order_id)
            found = await uow.catalogue.lines(order.organization_id, [order.id])
            return order, found.get(order.id, ())

    async def check_edit(self, uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
        """The order, if this person may change or remove its lines now."""
        order = await visible_order(uow, actor, order_id)
        require_writable(actor)
        if order.status is OrderStatus.DONE:
            raise DomainError("lines_done", number=order.number)
        if not may_change_lines(actor, order):
            if order.status is OrderStatus.CANCELLED:
                raise DomainError("order_already", status=order.status.value, number=order.number)
            raise DomainError("forbidden", action="order.line")
        return order

    async def edit(
        self, uow: UnitOfWork, actor: Actor, order_id: int, line_id: int, quantity: int | None
    ) -> LineEdited:
        """Change a line's quantity or remove it (`quantity` None) in the caller's unit of
        work: the order's total and line count follow, the client is asked again where the
        organization wants it, the order's version guards against a change meanwhile (a
        second tap on "Remove" finds the line gone: `line_gone`)."""
        order = await self.check_edit(uow, actor, order_id)
        org_id, count = order.organization_id, order.line_count
        if quantity is None:
            line = await uow.catalogue.remove_line(org_id, order.id, line_id)
            if line is None:
                raise DomainError("line_gone")
            delta, count = -line.total_minor, count - 1
        else:
            found = (await uow.catalogue.lines(org_id, [order.id])).get(order.id, ())
            was = next((x for x in found if x.id == line_id), None)
            if was is None:
                raise DomainError("line_gone")
            if was.quantity_milli == quantity:
                raise DomainError("order_unchanged", number=order.number)
            check_line(
                NewLine(was.name or "-", quantity, was.unit_price_minor, was.unit,
                        was.discount_minor, was.vat_bp)
            )  # fmt: skip
            changed_line = await uow.catalogue.change_line(org_id, order.id, line_id, quantity)
            assert changed_line is not None
            line, delta = changed_line, changed_line.total_minor - was.total_minor
        before = order.price_minor or 0
        total = before + delta
        if total > MAX_PRICE_MINOR:
            raise DomainError("money_range", example="1500")
        approval = count > 0 and await needs_approval(uow, order, total, before)
        update = OrderUpdate(
            price_minor=total if count else None,  # the last line removed: no price
            line_count=count,
            approval_minor=total if approval else (order.approval_minor if count else None),
            approval_declined_at=None if approval or not count else KEEP,
        )
        now = self._clock.now()
        changed = await uow.orders.change(order, now, update)
        if changed is None:
            raise DomainError("order_changed", number=order.number)
        data = {
            "line_id": line.id,
            "quantity_milli": quantity,  # None: removed
            "amount_minor": delta,
            "from": order.price_minor,
            "to": changed.price_minor,
            "approval": approval,
        }
        await uow.orders.add_event(changed, actor.user.id, LINE_EDIT_EVENT, data, now)
        change = await self._changes.drawn(uow, actor, order, changed, LINE_EDIT_EVENT)
        return LineEdited(change, line, quantity is None, approval)


async def needs_approval(uow: UnitOfWork, order: Order, total: int, before: int) -> bool:
    """The organization wants a changed total approved and the client can be asked."""
    if order.client_id is None or total == before:
        return False
    settings = await uow.client_loop.settings(order.organization_id)
    if not settings.approve_total:
        return False
    return await uow.client_loop.may_hear(order.organization_id, order.client_id, CHANNEL_SECRETS)
