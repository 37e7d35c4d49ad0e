"""Who may add a line to an order, and when (the card's "➕ Add line"); who may change or
remove one ("🧾 Lines"): the same people, until the order is done (its invoice is issued at
Done, docs/invoices.md)."""

from __future__ import annotations

from core.domain import Actor, Order, OrderStatus
from core.permissions import Action, allowed, org_active

S = OrderStatus
# The assignee while the work is on; an owner or a manager until the order is settled.
ASSIGNEE_STATUSES = frozenset({S.ASSIGNED, S.IN_PROGRESS})
LEAD_STATUSES = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.DONE})


def may_add_line(actor: Actor, order: Order) -> bool:
    if actor.organization is None or actor.role is None or not org_active(actor.organization):
        return False
    if order.organization_id != actor.organization.id or order.settled:
        return False
    if allowed(actor.role, Action.ORDER_ASSIGN):
        return order.status in LEAD_STATUSES
    return order.assignee_id == actor.user.id and order.status in ASSIGNEE_STATUSES


def may_change_lines(actor: Actor, order: Order) -> bool:
    return order.status is not S.DONE and may_add_line(actor, order)
