"""The billing page in the browser (the signed-in owner's language): the plan, its usage and
the plans to buy; checkout (CSRF-checked) sends the owner to the bank's payment page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.billing_view import billing_page as billing_html
from bot.admin.context import WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, notice
from bot.admin.pages import AUTH_CODES, Page, _number, _page, _posted, _text
from core.errors import DomainError
from core.services import Services
from handlers.errors import describe

router = APIRouter(include_in_schema=False)


async def _billing(
    services: Services, current: Page, message: Safe | None = None, status: int = 200
) -> Response:
    overview = await services.billing.overview(current.actor)
    assert current.actor.organization is not None
    org = current.actor.organization.name
    return HTMLResponse(
        billing_html(current.t, org, overview, current.csrf, message), status_code=status
    )


@router.get("/billing")
async def billing_page(request: Request, work: WorkDep) -> Response:
    return await _billing(work.services, await _page(request, work.services))


@router.post("/billing/checkout")
async def post_checkout(request: Request) -> Response:
    # Not one unit of work: the payment is committed before the bank is asked for its page
    # (a payment the bank knows of is never lost), and no transaction waits on the bank.
    services = _context(request).container.services
    current, submitted = await _posted(request, services)
    plan = _text(submitted, "plan")
    try:
        months = _number(submitted, f"months-{plan}", "months_range", limit=12)
        done = await services.billing.checkout(
            current.actor, plan, months, _text(submitted, f"email-{plan}")
        )
    except DomainError as error:
        if error.code in AUTH_CODES:
            raise
        message = notice(describe(current.t.translator, error), "error")
        return await _billing(services, current, message, 422)
    return RedirectResponse(done.payment_url, status_code=303)
