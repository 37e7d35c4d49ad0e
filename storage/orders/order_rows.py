"""The statements an order is read and changed with on hot paths (a tap on a card, /order N):
plain table columns in the order of `Order`'s fields, built once with bound parameters, so
SQLAlchemy finds their compiled form by a memoized cache key and loads no ORM entities
(docs/cpu-per-update.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from core.domain import Order, OrderStatus, PaymentMethod
from storage.tables import OrderEventRow, OrderRow

_order = OrderRow.__table__
_event = OrderEventRow.__table__
_FIELDS = tuple(f.name for f in fields(Order))
_STATUS = _FIELDS.index("status")
_METHOD = _FIELDS.index("payment_method")
COLUMNS = tuple(_order.c[name] for name in _FIELDS)
_IN_ORG: Any = _order.c.organization_id == bindparam("b_org_id")
GET = select(*COLUMNS).where(_IN_ORG, _order.c.id == bindparam("b_id"))
BY_NUMBER = select(*COLUMNS).where(_IN_ORG, _order.c.number == bindparam("b_number"))
# The columns set are the parameters' keys (SQLAlchemy compiles and caches one form per set).
CHANGE = (
    update(_order)
    .where(_IN_ORG, _order.c.id == bindparam("b_id"), _order.c.version == bindparam("b_version"))
    .returning(*COLUMNS)
)
ADD_EVENT = insert(_event)


def order_of(row: Sequence[Any]) -> Order:
    """An order from the values of `COLUMNS`."""
    values = list(row)
    values[_STATUS] = OrderStatus(values[_STATUS])
    values[_METHOD] = PaymentMethod(values[_METHOD]) if values[_METHOD] else None
    return Order(*values)
