"""What managers do with a call: take on the call-back, turn it into an order (the /neworder
flow prefilled with the client and what the summary says), add a new client with its number,
or attach its summary to one of the client's open orders."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.changes import CallChange
from core.dialogs.client_data import NewClientData
from core.dialogs.data import ClientAnswer, NewOrderData, Place, When
from core.domain import Actor, Order
from core.errors import DomainError
from core.orders.service import DESCRIPTION_MAX
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.telephony.call_ai import CallSummary
from core.telephony.calls import call_view
from core.views import CallView

OPEN_ORDERS_SHOWN = 8


@dataclass(frozen=True, slots=True)
class CallbackClaim:
    view: CallView
    mine: bool  # False: someone else (view.callback) had already taken it on


class CallActionService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _view(self, uow: UnitOfWork, actor: Actor, call_id: int) -> CallView:
        require(actor, Action.CLIENT_CONTACTS_ANY)
        assert actor.organization is not None
        call = await uow.calls.get(actor.organization.id, call_id)
        if call is None:
            raise DomainError("not_found")
        return await call_view(uow, actor.organization, call)

    async def claim_callback(self, actor: Actor, call_id: int) -> CallbackClaim:
        """The first manager to tap "I'll call back" takes it on; a second tap is a no-op."""
        async with self._uow() as uow:
            view = await self._view(uow, actor, call_id)
            assert actor.organization is not None
            if await uow.calls.claim_callback(actor.organization.id, call_id, actor.user.id):
                await uow.commit()
            view = await self._view(uow, actor, call_id)  # whoever won, as committed
        return CallbackClaim(view, view.call.callback_by == actor.user.id)

    async def order_data(self, actor: Actor, call_id: int) -> NewOrderData:
        """What the /neworder flow starts with for this call."""
        require(actor, Action.ORDER_CREATE)
        async with self._uow() as uow:
            return order_prefill(await self._view(uow, actor, call_id))

    async def new_client_data(self, actor: Actor, call_id: int) -> NewClientData:
        """What /newclient starts with: the caller's number (a known one opens that card)."""
        require(actor, Action.CLIENT_EDIT)
        async with self._uow() as uow:
            view = await self._view(uow, actor, call_id)
        if view.client is not None:
            raise DomainError("client_duplicate", client_id=view.client.id, name=view.client.name)
        return NewClientData(phone=view.call.client_phone)

    async def open_orders(self, actor: Actor, call_id: int) -> tuple[CallView, list[Order]]:
        """The client's open orders the call could be attached to."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            view = await self._view(uow, actor, call_id)
            if view.client is None:
                raise DomainError("call_no_client")
            orders = await uow.orders.for_client(actor.organization.id, view.client.id, 30)
        found = [o for o in orders if o.open][:OPEN_ORDERS_SHOWN]
        if not found:
            raise DomainError("call_no_open_orders", name=view.client.name)
        return view, found

    async def attach(self, actor: Actor, call_id: int, order_id: int) -> Order:
        """The call's summary becomes an event in the order's history, once."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        async with self._uow() as uow:
            view = await self._view(uow, actor, call_id)
            order = await uow.orders.get(org_id, order_id)
            client_id = view.client.id if view.client else None
            if order is None or not order.open or order.client_id != client_id:
                raise DomainError("order_gone")
            if view.call.order_id == order.id:
                return order
            if view.call.order_id is not None:
                raise DomainError("call_attached")
            data = {"call_id": call_id, "summary": summary_text(view)}
            await uow.orders.add_event(order, actor.user.id, "call", data, now)
            await uow.calls.update(org_id, call_id, now, CallChange(order_id=order.id))
            await uow.commit()
        return order


def summary_text(view: CallView) -> str:
    """The call's summary as one text: what was said and asked for."""
    if not view.call.summary:
        return ""
    summary = CallSummary.from_dict(view.call.summary)
    parts = [summary.summary, summary.request, summary.when or "", summary.follow_up]
    return " · ".join(p for p in parts if p)[:DESCRIPTION_MAX]


def order_prefill(view: CallView) -> NewOrderData:
    """The client (known, or new with the caller's number) and, from a summary, the work and
    the address; the time, work type and price are left open for the confirmation card."""
    data = NewOrderData()
    client = view.client
    if client is not None:
        data = NewOrderData(client_pick=str(client.id), resolved=True, candidates=())
    elif view.call.client_phone:
        data = NewOrderData(client=ClientAnswer(phone=view.call.client_phone))
    if not view.call.summary:
        return data
    summary = CallSummary.from_dict(view.call.summary)
    description = summary.request or summary.summary
    if summary.when:
        description = f"{description} ({summary.when})"
    data = replace(
        data,
        description=description[:DESCRIPTION_MAX],
        category="skip",
        when=When(day=None, time=None),
        blank=data.blank | {"price"},  # left for the confirmation card
    )
    address = summary.address or (client.address if client else None)
    return replace(data, address=Place(text=address[:300])) if address else data
