"""/api/v1/payments: payments recorded on orders, oldest first, for `payments:read`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bot.admin.context import ServicesDep
from bot.admin.v1 import paging
from bot.admin.v1.auth import PaymentsRead
from bot.admin.v1.problems import PROBLEMS
from core.apikeys.model import PAGE_MAX, PaymentItem

router = APIRouter(prefix="/payments", tags=["payments"], responses=PROBLEMS)


class PaymentOut(BaseModel):
    id: int
    order_id: int
    amount_minor: int = Field(description="Minor units (kopecks)", examples=[350000])
    method: str = Field(examples=["card"])
    created_at: datetime = Field(description="ISO 8601, UTC")


class PaymentPage(paging.PageMeta):
    items: list[PaymentOut]


def payment_out(item: PaymentItem) -> PaymentOut:
    return PaymentOut(
        id=item.id,
        order_id=item.order_id,
        amount_minor=item.amount_minor,
        method=item.method,
        created_at=item.created_at,
    )


@router.get("", response_model=PaymentPage)
async def list_payments(
    services: ServicesDep,
    who: PaymentsRead,
    order_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
) -> PaymentPage:
    page = await services.api_reads.payments(who, order_id, paging.decode("p", cursor), limit)
    items = [payment_out(item) for item in page.items]
    return PaymentPage(items=items, next_cursor=paging.encode("p", page.next_after))
