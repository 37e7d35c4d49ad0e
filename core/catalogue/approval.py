"""The client approves or declines an order's new total (issue 20, item 4): with the buttons
under the message about it in Telegram, or on the order's client page. The answer names the
total it answers, so a message about an older total cannot answer a newer one. One unit of
work: the order changed (a new version: two taps at once answer once): approved clears
`approval_minor`, declined keeps it and sets `approval_declined_at` (Done is refused until
staff change the lines, which asks again, or cancel); a `total_approved` or `total_declined`
event, the assignee's and manager's notice queued as a job, and the staff's cards of the
order redrawn (`shown`, written to the outbox by the caller)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.catalogue.model import LineItem
from core.changes import OrderUpdate
from core.client_loop.model import Channel
from core.client_loop.notices import notify_staff
from core.client_loop.page import page_access
from core.domain import Order, OrderStatus, Organization
from core.errors import DomainError
from core.orders.cards import shown_cards
from core.ports import Clock, UnitOfWork, UowFactory
from core.views import ShownCard

APPROVED_EVENT = "total_approved"
DECLINED_EVENT = "total_declined"


class Approval(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"  # declined now, or before (staff will change the lines or cancel)
    NOTHING = "nothing"  # no total waits for approval (approved already, or never asked)
    OUTDATED = "outdated"  # the total changed again since: the newer message asks for it
    CHANGED = "changed"  # the order changed meanwhile: try again


@dataclass(frozen=True, slots=True)
class ApprovalOutcome:
    answer: Approval
    order: Order
    currency: str = "RUB"  # the organization's, to write the total in
    shown: tuple[ShownCard, ...] = ()  # the staff's cards of the order, as they now are


@dataclass(frozen=True, slots=True)
class _Asked:
    order: Order
    channel: Channel
    org: Organization


@dataclass(frozen=True, slots=True)
class PageApproval:
    """What the client page shows while a total waits for the client: the total, the
    organization's currency and the order's lines."""

    total_minor: int
    currency: str
    lines: tuple[LineItem, ...]
    declined: bool = False  # the client declined it: nothing to press


class TotalApprovals:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def by_telegram(
        self, user_id: int, org_id: int, order_id: int, total_minor: int, approve: bool = True
    ) -> ApprovalOutcome:
        """A tap by `user_id` (`approve` False: "Decline"): another client's button is
        `client_button_foreign`."""
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user_id)
            org = await uow.orgs.get(org_id) if link is not None else None
            order = await uow.orders.get(org_id, order_id) if org is not None else None
            if link is None or org is None or order is None or order.client_id != link.client_id:
                raise DomainError("client_button_foreign")
            asked = _Asked(order, Channel.TELEGRAM, org)
            return await self._answer(uow, asked, total_minor, approve)

    async def page_total(self, token: str) -> PageApproval | None:
        """The total the page asks the client to approve (None: nothing to approve)."""
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            order = access.order
            if order.approval_minor is None or order.status is OrderStatus.CANCELLED:
                return None
            found = await uow.catalogue.lines(order.organization_id, [order.id])
        lines = found.get(order.id, ())
        declined = order.approval_declined_at is not None
        return PageApproval(order.approval_minor, access.org.currency, lines, declined)

    async def on_page(self, token: str, total_minor: int, approve: bool = True) -> ApprovalOutcome:
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            asked = _Asked(access.order, Channel.PAGE, access.org)
            return await self._answer(uow, asked, total_minor, approve)

    async def _answer(
        self, uow: UnitOfWork, asked: _Asked, total_minor: int, approve: bool
    ) -> ApprovalOutcome:
        order, currency = asked.order, asked.org.currency
        if order.approval_minor is None or order.status is OrderStatus.CANCELLED:
            return ApprovalOutcome(Approval.NOTHING, order, currency)
        if order.approval_minor != total_minor:
            return ApprovalOutcome(Approval.OUTDATED, order, currency)
        if order.approval_declined_at is not None:
            return ApprovalOutcome(Approval.DECLINED, order, currency)
        now = self._clock.now()
        if approve:
            update, event, answer = OrderUpdate(approval_minor=None), APPROVED_EVENT, "approved"
        else:
            update, event, answer = (
                OrderUpdate(approval_declined_at=now),
                DECLINED_EVENT,
                "declined",
            )
        changed = await uow.orders.change(order, now, update)
        if changed is None:
            return ApprovalOutcome(Approval.CHANGED, order, currency)
        data = {"by": asked.channel.value, "total_minor": total_minor}
        await uow.orders.add_event(changed, None, event, data, now)
        await notify_staff(uow, changed, answer, now)
        shown = await shown_cards(uow, asked.org, changed, now)
        await uow.commit()
        return ApprovalOutcome(Approval(answer), changed, currency, shown)
