"""The client page's "Approve" and "Decline" of a new total (issue 20, item 4): the form
(`bot.admin.client_approval_view`) names the total it answers (`TotalApprovals.on_page`); the
staff's cards of the order are redrawn through the outbox written in the request's
transaction (as after a move, `bot.admin.client_move`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin.client_move import deliver, to_outbox
from bot.admin.client_page import _draw, _gate, _refused
from bot.admin.client_view import notice
from bot.admin.context import WorkDep, admin_context
from core.catalogue.approval import Approval
from core.errors import DomainError
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import N_
from handlers.orders.publish import redraw

router = APIRouter(include_in_schema=False)
ANSWERS = {
    Approval.APPROVED: N_("Thank you! You approved the new total."),
    Approval.DECLINED: N_("You declined the new total. The organization will get in touch."),
    Approval.NOTHING: N_("There is nothing to approve on this order now."),
    Approval.OUTDATED: N_("The total has changed again: please look at it once more."),
    Approval.CHANGED: N_("The order has just changed. Please try again."),
}


@router.post("/c/{token}/approve")
async def client_approve(request: Request, work: WorkDep, token: str) -> Response:
    return await _answer(request, work, token, True)


@router.post("/c/{token}/decline")
async def client_decline(request: Request, work: WorkDep, token: str) -> Response:
    return await _answer(request, work, token, False)


async def _answer(request: Request, work: WorkDep, token: str, approve: bool) -> Response:
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    total = submitted.get("total")
    services = work.services
    try:
        if not isinstance(total, str) or not total.isdigit() or len(total) > 15:
            raise DomainError("choose_option")
        outcome = await services.approvals.on_page(token, int(total), approve)
    except DomainError as error:
        if error.code == "choose_option":
            return await _draw(request, work, token, chosen, None, 422)
        return await _refused(request, services, token, error, chosen)
    context = admin_context(request)
    sender = context.telegram.sender if context.telegram is not None else None
    outgoing = Outgoing()
    redraw(context.container.catalogs, outgoing, outcome.shown, outcome.order.number)
    stored = await to_outbox(work.work, outgoing.deliveries, sender, services.clock.now())
    answer = ANSWERS[outcome.answer]
    done = outcome.answer in (Approval.APPROVED, Approval.DECLINED)
    kind = "ok" if done else "error"
    status = 200 if done or outcome.answer is Approval.NOTHING else 409
    drawn = await _draw(request, work, token, chosen, lambda t: notice(t(answer), kind), status)
    drawn.background = deliver(sender, stored)
    return drawn
