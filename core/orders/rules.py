"""The order life cycle: which action moves which status where, and who may take it."""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain import Actor, Order, OrderStatus, Role
from core.errors import DomainError
from core.orders.edits import editable_fields
from core.permissions import Action, allowed, org_active, require_writable

S = OrderStatus


class OrderAction(enum.StrEnum):
    ASSIGN = "assign"
    OFFER = "offer"
    TAKE = "take"
    START = "start"
    DONE = "done"
    CANCEL = "cancel"
    PAY = "pay"
    RESCHEDULE = "reschedule"
    EDIT = "edit"  # a detail: address, category, price, description (`core.orders.edits`)


# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[OrderAction, tuple[frozenset[OrderStatus], OrderStatus | None]] = {
    OrderAction.ASSIGN: (frozenset({S.NEW, S.ASSIGNED}), S.ASSIGNED),
    OrderAction.OFFER: (frozenset({S.NEW, S.ASSIGNED}), S.NEW),
    OrderAction.TAKE: (frozenset({S.NEW}), S.ASSIGNED),
    OrderAction.START: (frozenset({S.ASSIGNED}), S.IN_PROGRESS),
    OrderAction.DONE: (frozenset({S.IN_PROGRESS}), S.DONE),
    OrderAction.CANCEL: (frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS}), S.CANCELLED),
    OrderAction.PAY: (frozenset({S.ASSIGNED, S.IN_PROGRESS, S.DONE}), None),
    OrderAction.RESCHEDULE: (frozenset({S.NEW, S.ASSIGNED}), None),
    OrderAction.EDIT: (frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.DONE}), None),
}

# What a worker may do, and only on an order assigned to them (TAKE: an order offered to all).
_WORKER_ACTIONS = frozenset(
    {OrderAction.TAKE, OrderAction.START, OrderAction.DONE, OrderAction.PAY}
)
_DISPATCH_ACTIONS = frozenset(
    {
        OrderAction.ASSIGN,
        OrderAction.OFFER,
        OrderAction.CANCEL,
        OrderAction.RESCHEDULE,
        OrderAction.EDIT,
    }
)


def paid_in_full(order: Order) -> bool:
    """Nothing is left to pay: the price is covered. An order without a price never is (a
    second part-payment of agreed-on-site work can always be recorded)."""
    if order.price_minor is None:
        return False
    return order.paid_minor >= order.price_minor


def next_status(order: Order, action: OrderAction) -> OrderStatus:
    """The status after `action`, or a domain error saying why it cannot happen now."""
    sources, target = TRANSITIONS[action]
    if order.status not in sources:
        if order.status is S.DONE and action is OrderAction.DONE:
            raise DomainError("order_already", status=order.status.value, number=order.number)
        raise DomainError(
            "order_transition", action=action.value, status=order.status.value, number=order.number
        )
    if action is OrderAction.TAKE and order.offered_at is None:
        raise DomainError("order_not_offered", number=order.number)
    return target or order.status


def may_act(actor: Actor, order: Order, action: OrderAction) -> bool:
    role = actor.role
    if role is None or actor.organization is None:
        return False
    if actor.organization.id != order.organization_id:
        return False
    if action in _DISPATCH_ACTIONS:
        return allowed(role, Action.ORDER_ASSIGN)
    if action is OrderAction.TAKE:
        return role is Role.WORKER or allowed(role, Action.ORDER_ASSIGN)
    if allowed(role, Action.ORDER_ASSIGN):
        return True
    return action in _WORKER_ACTIONS and order.assignee_id == actor.user.id


def require_action(actor: Actor, order: Order, action: OrderAction) -> OrderStatus:
    require_writable(actor)
    if not may_act(actor, order, action):
        raise DomainError("forbidden", action="order." + action.value)
    return next_status(order, action)


# Kept off the card: offering lives in the assign list; starting and finishing are the
# assignee's buttons (a manager can still be assigned to do it themselves).
_CARD_HIDDEN = frozenset({OrderAction.OFFER})
_ASSIGNEE_BUTTONS = frozenset({OrderAction.START, OrderAction.DONE})


def available_actions(actor: Actor, order: Order) -> list[OrderAction]:
    """The buttons this person should see on this order's card, in display order."""
    if not org_active(actor.organization):
        return []  # read-only while deactivated
    result = []
    for action in OrderAction:
        if action in _CARD_HIDDEN:
            continue
        if action in _ASSIGNEE_BUTTONS and order.assignee_id != actor.user.id:
            continue
        if not may_act(actor, order, action):
            continue
        if action is OrderAction.EDIT and not editable_fields(order):
            continue
        try:
            next_status(order, action)
        except DomainError:
            continue
        result.append(action)
    return result


def may_view(actor: Actor, order: Order) -> bool:
    """Managers and owners see every order; a worker sees their own and the ones on offer."""
    if actor.organization is None or actor.organization.id != order.organization_id:
        return False
    if allowed(actor.role, Action.ORDER_VIEW_ALL):
        return True
    return order.assignee_id == actor.user.id or (
        order.status is S.NEW and order.offered_at is not None
    )


def starts_early(order: Order, now: datetime, zone: str) -> bool:
    """Whether starting now would start an order planned for a later day (in the
    organization's zone): the worker is asked to confirm, it is likely a mistaken tap."""
    if order.scheduled_at is None:
        return False
    tz = ZoneInfo(zone)
    return order.scheduled_at.astimezone(tz).date() > now.astimezone(tz).date()
