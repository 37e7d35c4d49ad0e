"""The client page (`/c/<token>`, issue 19 item 3): what the holder of an order's page token
sees, and the two things they can do there: confirm the visit, or cancel it with a reason.

No login: the token names the organization, the client and the order, and is checked on every
call (unknown, expired, a deleted organization, or an order no longer the token's client's:
`client_page_unknown` / `client_page_expired`). Each call is one unit of work.

- **Confirm** (an order not started yet): an incoming `confirmation` in the client message
  log and a `client_confirmed` event on the order's history (actor: nobody, `by: client`),
  with a new version of the order (so two submitted at once cannot both be recorded). A
  second confirmation changes nothing.
- **Cancel** (an order not started yet, with a reason): the order is cancelled with the rules
  of `OrderAction.CANCEL` (`core.orders.rules.next_status`), written here through the
  repositories because `OrderService.act` needs a member as the actor: the status, the
  cancellation and settlement times, a `cancel` event with `by: client` and the reason (no
  member as its actor), an incoming `cancelled` message with the reason, and the order's page
  tokens brought to expire after the grace period (as `ClientLoopService.order_closed`); the
  assignee and the manager are told at once (`core.client_loop.notices`). A second
  cancellation says it is already cancelled; a started order is refused.

What the client did here is logged as incoming messages of the `page` channel.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from core.changes import KEEP, OrderUpdate
from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
    PageToken,
)
from core.client_loop.notices import notify_staff
from core.client_loop.tokens import PAGE_GRACE, hash_token, looks_like_page
from core.client_loop.views import ClientOrderView, client_order_view
from core.domain import Order, OrderStatus, Organization, OrgStatus
from core.errors import DomainError
from core.orders.rules import OrderAction, next_status
from core.ports import Clock, UnitOfWork, UowFactory

REASON_MAX = 500
NOT_STARTED = frozenset({OrderStatus.NEW, OrderStatus.ASSIGNED})
CONFIRMED_EVENT = "client_confirmed"


class Outcome(enum.StrEnum):
    """What a confirmation or cancellation on the page came to."""

    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    STARTED = "started"  # refused: the work has started
    CLOSED = "closed"  # refused: the order is finished, or the organization is read-only
    REASON_MISSING = "reason_missing"
    REASON_TOO_LONG = "reason_too_long"
    CHANGED = "changed"  # refused: the order changed meanwhile (staff acted at the same time)

    @property
    def done(self) -> bool:
        return self in _DONE


_DONE = frozenset(
    {Outcome.CONFIRMED, Outcome.ALREADY_CONFIRMED, Outcome.CANCELLED, Outcome.ALREADY_CANCELLED}
)


@dataclass(frozen=True, slots=True)
class ClientPage:
    view: ClientOrderView
    timezone: str
    language: str  # the organization's, for a client whose browser names no language we have
    confirmed: bool
    can_confirm: bool
    can_cancel: bool


@dataclass(frozen=True, slots=True)
class PageAccess:
    org: Organization
    page: PageToken
    order: Order

    @property
    def actionable(self) -> bool:
        return self.org.status is OrgStatus.ACTIVE and self.order.status in NOT_STARTED


class ClientPageService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def language(self, token: str) -> str | None:
        """The organization's language for a token that opens a page (None: it does not);
        for answering an unknown or expired link without reading anything else."""
        if not looks_like_page(token):
            return None
        async with self._uow() as uow:
            page = await uow.client_loop.page_by_hash(hash_token(token))
            org = await uow.orgs.get(page.organization_id) if page else None
        return org.language if org is not None else None

    async def open(self, token: str) -> ClientPage:
        async with self._uow() as uow:
            access = await self._access(uow, token)
            org, order = access.org, access.order
            settings = await uow.client_loop.settings(org.id)
            assignee = await uow.users.get(order.assignee_id) if order.assignee_id else None
            category = None
            if order.category_id is not None:
                names = {c.id: c.name for c in await uow.categories.listing(org.id)}
                category = names.get(order.category_id)
            confirmed = await _confirmed(uow, access)
        view = client_order_view(order, access.page.client_id, org, settings, assignee, category)
        return ClientPage(
            view,
            org.timezone,
            org.language,
            confirmed,
            can_confirm=access.actionable and not confirmed,
            can_cancel=access.actionable,
        )

    async def confirm(self, token: str) -> Outcome:
        async with self._uow() as uow:
            access = await self._access(uow, token)
            if await _confirmed(uow, access):
                return Outcome.ALREADY_CONFIRMED
            refused = _refusal(access)
            if refused is not None:
                return refused
            now = self._clock.now()
            # A new version of the order (nothing else changes): two confirmations at once
            # cannot both be recorded, and cards drawn before catch up.
            changed = await uow.orders.change(access.order, now, OrderUpdate())
            if changed is None:
                return await self._lost(uow, token, Outcome.CONFIRMED)
            new = _incoming(access, MessageKind.CONFIRMATION)
            await uow.client_loop.add_message(access.org.id, new, now)
            await uow.orders.add_event(changed, None, CONFIRMED_EVENT, {"by": "client"}, now)
            await uow.commit()
        return Outcome.CONFIRMED

    async def cancel(self, token: str, reason: str) -> Outcome:
        reason = reason.strip()
        async with self._uow() as uow:
            access = await self._access(uow, token)
            order = access.order
            if order.status is OrderStatus.CANCELLED:
                return Outcome.ALREADY_CANCELLED
            refused = _refusal(access)
            if refused is not None:
                return refused
            if not reason:
                return Outcome.REASON_MISSING
            if len(reason) > REASON_MAX:
                return Outcome.REASON_TOO_LONG
            now = self._clock.now()
            target = next_status(order, OrderAction.CANCEL)
            changes = OrderUpdate(
                status=target, cancelled_at=now, settled_at=KEEP if order.settled else now
            )
            changed = await uow.orders.change(order, now, changes)
            if changed is None:
                return await self._lost(uow, token, Outcome.CANCELLED)
            data = {"from": order.status.value, "to": target.value, "by": "client"}
            await uow.orders.add_event(changed, None, "cancel", {**data, "reason": reason}, now)
            new = _incoming(access, MessageKind.CANCELLED, reason)
            await uow.client_loop.add_message(access.org.id, new, now)
            await uow.client_loop.expire_pages(access.org.id, order.id, now + PAGE_GRACE)
            await notify_staff(uow, changed, "cancelled", now, reason=reason)
            await uow.commit()
        return Outcome.CANCELLED

    async def _lost(self, uow: UnitOfWork, token: str, wanted: Outcome) -> Outcome:
        """The order changed after it was read (staff, or the same form submitted twice at
        once): what the page says now that the winner is known."""
        access = await self._access(uow, token)
        cancelled = access.order.status is OrderStatus.CANCELLED
        if wanted is Outcome.CANCELLED and cancelled:
            return Outcome.ALREADY_CANCELLED
        if wanted is Outcome.CONFIRMED and await _confirmed(uow, access):
            return Outcome.ALREADY_CONFIRMED
        return Outcome.CHANGED

    async def _access(self, uow: UnitOfWork, token: str) -> PageAccess:
        return await page_access(uow, token, self._clock.now())


async def page_access(uow: UnitOfWork, token: str, now: datetime) -> PageAccess:
    """The organization, token and order a client page token opens, or the page's refusal:
    unknown (malformed, no such token, the organization deleted, not this client's order)
    or expired."""
    if not looks_like_page(token):
        raise DomainError("client_page_unknown")
    page = await uow.client_loop.page_by_hash(hash_token(token))
    org = await uow.orgs.get(page.organization_id) if page else None
    if page is None or org is None or org.status is OrgStatus.DELETED:
        raise DomainError("client_page_unknown")
    if page.expires_at <= now:
        raise DomainError("client_page_expired")
    order = await uow.orders.get(org.id, page.order_id)
    if order is None or order.client_id != page.client_id:
        raise DomainError("client_page_unknown")
    return PageAccess(org, page, order)


def _refusal(access: PageAccess) -> Outcome | None:
    if access.actionable:
        return None
    if access.order.status is OrderStatus.IN_PROGRESS and access.org.status is OrgStatus.ACTIVE:
        return Outcome.STARTED
    return Outcome.CLOSED


def _incoming(access: PageAccess, kind: MessageKind, body: str = "") -> NewClientMessage:
    return NewClientMessage(
        client_id=access.page.client_id,
        direction=Direction.IN,
        kind=kind,
        channel=Channel.PAGE,
        body=body,
        order_id=access.order.id,
        status=DeliveryStatus.DELIVERED,
    )


async def _confirmed(uow: UnitOfWork, access: PageAccess) -> bool:
    messages = await uow.client_loop.order_messages(access.org.id, access.order.id)
    return any(
        m.direction is Direction.IN and m.kind is MessageKind.CONFIRMATION for m in messages
    )
