"""The client page's "Approve" of a new total (issue 20, item 4): the form
(`bot.admin.client_approval_view`) names the total it approves (`TotalApprovals.on_page`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin.client_page import _draw, _gate, _refused
from bot.admin.client_view import notice
from bot.admin.context import WorkDep
from core.catalogue.approval import Approval
from core.errors import DomainError
from handlers.i18n import N_

router = APIRouter(include_in_schema=False)
ANSWERS = {
    Approval.APPROVED: N_("Thank you! You approved the new total."),
    Approval.NOTHING: N_("There is nothing to approve on this order now."),
    Approval.OUTDATED: N_("The total has changed again: please look at it once more."),
    Approval.CHANGED: N_("The order has just changed. Please try again."),
}


@router.post("/c/{token}/approve")
async def client_approve(request: Request, work: WorkDep, token: str) -> Response:
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    total = submitted.get("total")
    services = work.services
    try:
        if not isinstance(total, str) or not total.isdigit() or len(total) > 15:
            raise DomainError("choose_option")
        outcome = await services.approvals.on_page(token, int(total))
    except DomainError as error:
        if error.code == "choose_option":
            return await _draw(request, work, token, chosen, None, 422)
        return await _refused(request, services, token, error, chosen)
    answer = ANSWERS[outcome.answer]
    kind = "ok" if outcome.answer is Approval.APPROVED else "error"
    status = 200 if outcome.answer in (Approval.APPROVED, Approval.NOTHING) else 409
    return await _draw(request, work, token, chosen, lambda t: notice(t(answer), kind), status)
