"""/api/v1/orders: the list (filters: status, scheduled range, assignee, updated since;
cursor pages) and one order with its lines, payments and history, for `orders:read`.
Changes are in orders_write.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from bot.admin.context import ServicesDep
from bot.admin.models import Id
from bot.admin.v1 import paging
from bot.admin.v1.auth import OrdersRead
from bot.admin.v1.idempotency import answer
from bot.admin.v1.payments import PaymentOut, payment_out
from bot.admin.v1.problems import PROBLEMS
from core.apikeys.model import PAGE_MAX, OrderItem, OrderQuery, Scope
from core.apikeys.reads import OrderDetail
from core.apikeys.service import KeyCaller
from core.services import Services

router = APIRouter(prefix="/orders", tags=["orders"], responses=PROBLEMS)
Status = Literal["new", "assigned", "in_progress", "done", "cancelled"]


class OrderOut(BaseModel):
    id: int
    number: int = Field(description="The number people see: №12")
    status: Status
    client_id: int | None
    category_id: int | None
    address: str | None
    latitude: float | None
    longitude: float | None
    scheduled_at: datetime | None = Field(description="ISO 8601, UTC")
    assignee_id: int | None = Field(description="A member's id (/api/v1/members)")
    offered: bool = Field(description="Offered to all workers and not taken yet")
    price_minor: int | None = Field(description="Minor units (kopecks)", examples=[350000])
    paid_minor: int = Field(examples=[0])
    description: str | None
    created_at: datetime
    updated_at: datetime


class LineOut(BaseModel):
    position: int
    name: str | None = Field(description="null: the price as agreed before the order had lines")
    unit: str
    quantity_milli: int = Field(description="Thousandths: 1500 is 1.5")
    unit_price_minor: int
    discount_minor: int
    vat_bp: int | None = Field(description="VAT in basis points: 2000 is 20%")


class EventOut(BaseModel):
    id: int
    kind: str = Field(examples=["assign"])
    actor_id: int | None
    data: dict[str, Any]
    created_at: datetime


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    payments: list[PaymentOut] | None = Field(description="With payments:read only")
    history: list[EventOut]


class OrderPage(paging.PageMeta):
    items: list[OrderOut]


def order_out(item: OrderItem) -> OrderOut:
    o = item.order
    return OrderOut(
        id=o.id,
        number=o.number,
        status=o.status.value,
        client_id=o.client_id,
        category_id=o.category_id,
        address=o.address,
        latitude=o.latitude,
        longitude=o.longitude,
        scheduled_at=o.scheduled_at,
        assignee_id=o.assignee_id,
        offered=o.offered_at is not None and o.assignee_id is None,
        price_minor=o.price_minor,
        paid_minor=o.paid_minor,
        description=o.description,
        created_at=o.created_at,
        updated_at=item.updated_at,
    )


def detail_out(found: OrderDetail, with_payments: bool) -> OrderDetailOut:
    lines = [
        LineOut(
            position=x.position,
            name=x.name,
            unit=x.unit,
            quantity_milli=x.quantity_milli,
            unit_price_minor=x.unit_price_minor,
            discount_minor=x.discount_minor,
            vat_bp=x.vat_bp,
        )
        for x in found.lines
    ]
    history = [EventOut(id=e.id, kind=e.kind, actor_id=e.actor_id, data=e.data,
                        created_at=e.created_at) for e in found.history]  # fmt: skip
    payments = [payment_out(p) for p in found.payments] if with_payments else None
    base = order_out(found.item).model_dump()
    return OrderDetailOut(**base, lines=lines, payments=payments, history=history)


async def read_order(services: Services, caller: KeyCaller, order_id: int) -> OrderDetailOut:
    found = await services.api_reads.order(caller, order_id)
    return detail_out(found, caller.key.allows(Scope.PAYMENTS_READ))


@router.get("", response_model=OrderPage)
async def list_orders(
    services: ServicesDep,
    who: OrdersRead,
    status: Annotated[list[Status] | None, Query()] = None,
    assignee_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    scheduled_from: Annotated[datetime | None, Query(alias="from")] = None,
    scheduled_to: Annotated[datetime | None, Query(alias="to")] = None,
    updated_since: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
) -> OrderPage:
    """Orders by id. `from`/`to`: scheduled in [from, to); `updated_since`: changed at or
    after (ISO 8601; without an offset, UTC)."""
    query = OrderQuery(
        statuses=frozenset(status or ()),
        assignee_id=assignee_id,
        start=paging.utc(scheduled_from),
        end=paging.utc(scheduled_to),
        updated_since=paging.utc(updated_since),
    )
    page = await services.api_reads.orders(who, query, paging.decode("o", cursor), limit)
    items = [order_out(item) for item in page.items]
    return OrderPage(items=items, next_cursor=paging.encode("o", page.next_after))


@router.get("/{order_id}", response_model=OrderDetailOut)
async def get_order(services: ServicesDep, who: OrdersRead, order_id: Id) -> JSONResponse:
    return answer(await read_order(services, who, order_id))
