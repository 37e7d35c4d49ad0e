"""/api/v1/orders changes, for `orders:write`: create, PATCH (address, description, price,
kind of work, time; with If-Match), assign, offer to all workers, cancel. Each runs the bot's
own use cases as the key's owner (core/orders) in the request's one transaction; the staff's
cards are edited and the people a change concerns told in the chat, as after a tap, through
the outbox in that transaction; the client hears of a new order, a new time or a
cancellation as from the chat."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from bot.admin.client_move import deliver, to_outbox
from bot.admin.context import WorkDep, admin_context
from bot.admin.models import Id
from bot.admin.v1.auth import OrdersWrite, via
from bot.admin.v1.idempotency import IdempotencyKey, IfMatch, answer, check_match, once
from bot.admin.v1.orders import OrderDetailOut, read_order
from bot.admin.v1.paging import utc
from bot.admin.v1.problems import ON_PATCH, ON_POST, PROBLEMS
from core.apikeys.service import KeyCaller
from core.domain import Order
from core.orders.audiences import CLIENT_EVENTS
from core.orders.edits import Field as Edit
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.views import OrderChange
from handlers.client_loop.confirm import queue_client_message
from handlers.delivery.outgoing import Outgoing
from handlers.orders.publish import tell_staff

router = APIRouter(prefix="/orders", tags=["orders"], responses=PROBLEMS)
Ref = Annotated[int, Field(ge=1, le=2**62)]
Money = Annotated[int, Field(ge=0, le=10**12, description="Minor units (kopecks)")]


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: Ref | None = None
    category_id: Ref | None = None
    address: str | None = Field(None, max_length=500, examples=["Тверская, 1, кв. 5"])
    scheduled_at: datetime | None = Field(None, description="ISO 8601; without offset: UTC")
    price_minor: Money | None = Field(None, examples=[350000])
    description: str | None = Field(None, max_length=2000, examples=["Помыть окна"])


class OrderPatch(BaseModel):
    """Only the fields sent change, each as one edit in the order's history."""

    model_config = ConfigDict(extra="forbid")
    address: str | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=2000)
    price_minor: Money | None = None
    category_id: Ref | None = None
    scheduled_at: datetime | None = None


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee_id: Ref = Field(description="A worker's id (/api/v1/members)")


class Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _by(who: KeyCaller) -> str:
    """How notices name the one who acted: the owner, through the key."""
    return f"{who.actor.user.display_name} (API: {who.key.name})"


async def _told(
    request: Request,
    work: WorkDep,
    who: KeyCaller,
    change: OrderChange | None,
    made: Order | None = None,
) -> None:
    """The change's messages (or a new order's, `made`) into the outbox, in the request's
    transaction; the client hears of a new order, a new time or a cancellation."""
    context, outgoing = admin_context(request), Outgoing()
    catalogs, services = context.container.catalogs, work.services
    if change is not None:
        tell_staff(catalogs, outgoing, change, _by(who))
        if change.event in CLIENT_EVENTS:
            order = change.card.order
            await queue_client_message(services, catalogs, outgoing, order, change.event)
    elif made is not None:
        await queue_client_message(services, catalogs, outgoing, made, "created")
    sender = context.telegram.sender if context.telegram is not None else None
    stored = await to_outbox(work.work, outgoing.deliveries, sender, services.clock.now())
    request.state.api_v1_stored = [*getattr(request.state, "api_v1_stored", []), *stored]


def _sent(request: Request, response: JSONResponse) -> JSONResponse:
    """Sent by this process once the answer is out (the transaction committed by then)."""
    context = admin_context(request)
    sender = context.telegram.sender if context.telegram is not None else None
    task = deliver(sender, getattr(request.state, "api_v1_stored", []))
    if task is not None:
        response.background = task
    return response


@router.post("", response_model=OrderDetailOut, status_code=201, responses=ON_POST)
async def create_order(
    request: Request, work: WorkDep, who: OrdersWrite, body: OrderIn, _key: IdempotencyKey = None
) -> JSONResponse:
    services = work.services

    async def make() -> int:
        draft = OrderDraft(
            client_id=body.client_id,
            address=body.address,
            category_id=body.category_id,
            scheduled_at=utc(body.scheduled_at),
            price_minor=body.price_minor,
            description=body.description,
        )
        await services.api_reads.check_refs(who, body.client_id, body.category_id)
        made = await services.orders.create(who.actor, draft, via=via(who))
        await _told(request, work, who, None, made)
        return made.id

    async def read(order_id: int) -> OrderDetailOut:
        return await read_order(services, who, order_id)

    return _sent(request, await once(request, services, who, body, make, read))


@router.patch("/{order_id}", response_model=OrderDetailOut, responses=ON_PATCH)
async def update_order(
    request: Request,
    work: WorkDep,
    who: OrdersWrite,
    order_id: Id,
    body: OrderPatch,
    _match: IfMatch = None,
) -> JSONResponse:
    services = work.services
    check_match(request, await read_order(services, who, order_id))
    given = body.model_dump(exclude_unset=True)
    edits = {
        Edit.ADDRESS: {"text": given["address"]} if given.get("address") else None,
        Edit.DESCRIPTION: given.get("description"),
        Edit.PRICE: given.get("price_minor"),
        Edit.CATEGORY: given.get("category_id"),
    }
    names = {Edit.ADDRESS: "address", Edit.DESCRIPTION: "description"}
    names |= {Edit.PRICE: "price_minor", Edit.CATEGORY: "category_id"}
    for field, value in edits.items():
        if names[field] in given:
            change = await services.orders.act(
                who.actor, order_id, OrderAction.EDIT, field=field.value, value=value, via=via(who)
            )
            await _told(request, work, who, change)
    if "scheduled_at" in given:
        at = utc(body.scheduled_at)
        change = await services.orders.act(
            who.actor, order_id, OrderAction.RESCHEDULE, scheduled_at=at, via=via(who)
        )
        await _told(request, work, who, change)
    return _sent(request, answer(await read_order(services, who, order_id)))


async def _act(
    request: Request,
    work: WorkDep,
    who: KeyCaller,
    order_id: int,
    body: BaseModel,
    action: OrderAction,
    assignee_id: int | None = None,
) -> JSONResponse:
    services = work.services

    async def make() -> int:
        change = await services.orders.act(
            who.actor, order_id, action, assignee_id=assignee_id, via=via(who)
        )
        await _told(request, work, who, change)
        return order_id

    async def read(made: int) -> OrderDetailOut:
        return await read_order(services, who, made)

    return _sent(request, await once(request, services, who, body, make, read, 200))


@router.post("/{order_id}/assign", response_model=OrderDetailOut, responses=ON_POST)
async def assign_order(
    request: Request,
    work: WorkDep,
    who: OrdersWrite,
    order_id: Id,
    body: AssignIn,
    _key: IdempotencyKey = None,
) -> JSONResponse:
    action = OrderAction.ASSIGN
    return await _act(request, work, who, order_id, body, action, body.assignee_id)


@router.post("/{order_id}/offer", response_model=OrderDetailOut, responses=ON_POST)
async def offer_order(
    request: Request, work: WorkDep, who: OrdersWrite, order_id: Id, _key: IdempotencyKey = None
) -> JSONResponse:
    """Offer to all workers: the first to take it gets it."""
    return await _act(request, work, who, order_id, Empty(), OrderAction.OFFER)


@router.post("/{order_id}/cancel", response_model=OrderDetailOut, responses=ON_POST)
async def cancel_order(
    request: Request, work: WorkDep, who: OrdersWrite, order_id: Id, _key: IdempotencyKey = None
) -> JSONResponse:
    return await _act(request, work, who, order_id, Empty(), OrderAction.CANCEL)
