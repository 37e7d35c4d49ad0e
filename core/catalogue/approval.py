"""The client approves an order's new total (issue 20, item 4): with the button under the
message about it in Telegram, or on the order's client page. The answer names the total it
approves, so a message about an older total cannot approve a newer one. One unit of work:
the order's `approval_minor` cleared (a new version: two taps at once approve once), a
`total_approved` event, and the assignee's and manager's notice queued as a job."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.catalogue.model import LineItem
from core.changes import OrderUpdate
from core.client_loop.model import Channel
from core.client_loop.notices import notify_staff
from core.client_loop.page import page_access
from core.domain import Order, OrderStatus
from core.errors import DomainError
from core.ports import Clock, UnitOfWork, UowFactory

APPROVED_EVENT = "total_approved"


class Approval(enum.StrEnum):
    APPROVED = "approved"
    NOTHING = "nothing"  # no total waits for approval (approved already, or never asked)
    OUTDATED = "outdated"  # the total changed again since: the newer message asks for it
    CHANGED = "changed"  # the order changed meanwhile: try again


@dataclass(frozen=True, slots=True)
class ApprovalOutcome:
    answer: Approval
    order: Order
    currency: str = "RUB"  # the organization's, to write the total in


@dataclass(frozen=True, slots=True)
class _Asked:
    order: Order
    channel: Channel
    currency: str


@dataclass(frozen=True, slots=True)
class PageApproval:
    """What the client page shows while a total waits for the client: the total, the
    organization's currency and the order's lines."""

    total_minor: int
    currency: str
    lines: tuple[LineItem, ...]


class TotalApprovals:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def by_telegram(
        self, user_id: int, org_id: int, order_id: int, total_minor: int
    ) -> ApprovalOutcome:
        """A tap by `user_id`: another client's button is `client_button_foreign`."""
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user_id)
            org = await uow.orgs.get(org_id) if link is not None else None
            order = await uow.orders.get(org_id, order_id) if org is not None else None
            if link is None or org is None or order is None or order.client_id != link.client_id:
                raise DomainError("client_button_foreign")
            asked = _Asked(order, Channel.TELEGRAM, org.currency)
            return await self._approve(uow, asked, total_minor)

    async def page_total(self, token: str) -> PageApproval | None:
        """The total the page asks the client to approve (None: nothing to approve)."""
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            order = access.order
            if order.approval_minor is None or order.status is OrderStatus.CANCELLED:
                return None
            found = await uow.catalogue.lines(order.organization_id, [order.id])
        return PageApproval(order.approval_minor, access.org.currency, found.get(order.id, ()))

    async def on_page(self, token: str, total_minor: int) -> ApprovalOutcome:
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            asked = _Asked(access.order, Channel.PAGE, access.org.currency)
            return await self._approve(uow, asked, total_minor)

    async def _approve(self, uow: UnitOfWork, asked: _Asked, total_minor: int) -> ApprovalOutcome:
        order, currency = asked.order, asked.currency
        if order.approval_minor is None or order.status is OrderStatus.CANCELLED:
            return ApprovalOutcome(Approval.NOTHING, order, currency)
        if order.approval_minor != total_minor:
            return ApprovalOutcome(Approval.OUTDATED, order, currency)
        now = self._clock.now()
        changed = await uow.orders.change(order, now, OrderUpdate(approval_minor=None))
        if changed is None:
            return ApprovalOutcome(Approval.CHANGED, order, currency)
        data = {"by": asked.channel.value, "total_minor": total_minor}
        await uow.orders.add_event(changed, None, APPROVED_EVENT, data, now)
        await notify_staff(uow, changed, "approved", now)
        await uow.commit()
        return ApprovalOutcome(Approval.APPROVED, changed, currency)
