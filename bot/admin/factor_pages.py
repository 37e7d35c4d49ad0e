"""The second factor's pages: passing it after the sign-in link (/second-factor) and the
security page (/security) where a person adds and removes factors and an owner requires one
of the organization's owners. Forms carry the session's CSRF token; pages answer in the
person's language; one unit of work per request (a failed code's audit row is committed
with the refusal, so the per-person limit counts it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from bot.admin import factor_views as views
from bot.admin.context import WorkDep, admin_context
from bot.admin.html import Safe, SafeText, notice
from bot.admin.security import COOKIE, CSRF_FIELD
from core.admin.factor_base import FactorSession
from core.admin.factors import FAILURE_MINUTES, Outcome, SessionState
from core.domain import Actor
from core.errors import DomainError
from core.permissions import Action, allowed
from core.services import Services
from handlers.errors import describe

router = APIRouter(include_in_schema=False)
NEXT = re.compile(r"^/[a-z0-9/_-]{0,60}(\?[a-z0-9=&_-]{0,40})?$")
# Where a refused page request goes instead of an error page (bot/admin/app.py).
REDIRECTS = {
    "second_factor_pending": "/second-factor",
    "second_factor_setup": "/security",
    "second_factor_not_fresh": "/second-factor?next=/security",
}


@dataclass(frozen=True, slots=True)
class Current:
    status: FactorSession
    token: str
    t: SafeText
    csrf: str


def home(actor: Actor) -> str:
    return "/settings" if allowed(actor.role, Action.ORG_SETTINGS) else "/board"


def safe_next(value: str | None) -> str:
    return value if value and NEXT.match(value) and not value.startswith("//") else ""


async def current(request: Request, services: Services) -> Current:
    context = admin_context(request)
    token = context.signer.unsign(request.cookies.get(COOKIE, ""))
    if token is None:
        raise DomainError("session_invalid")
    status = await services.second_factor.status(token)
    language = status.actor.user.preferred_language(context.container.catalogs.default)
    t = SafeText(context.translator(language))
    return Current(status, token, t, context.signer.csrf(token))


async def posted(request: Request, services: Services) -> tuple[Current, FormData]:
    now = await current(request, services)
    submitted = await request.form()
    given = submitted.get(CSRF_FIELD)
    if not admin_context(request).signer.csrf_ok(
        now.token, given if isinstance(given, str) else None
    ):
        raise DomainError("csrf_invalid")
    return now, submitted


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


def _html(body: str, status: int = 200, secret: bool = False) -> HTMLResponse:
    headers = {"content-security-policy": views.FACTOR_POLICY}
    if secret:
        headers["cache-control"] = "no-store"
    if status == 429:
        headers["retry-after"] = str(FAILURE_MINUTES * 60)
    return HTMLResponse(body, status_code=status, headers=headers)


def _refused(t: SafeText, outcome: Outcome) -> tuple[Safe, int]:
    if outcome is Outcome.LIMITED:
        return notice(views.too_many(t), "error"), 429
    return notice(views.wrong_code(t), "error"), 422


@router.get("/second-factor")
async def verify_page(request: Request, work: WorkDep, next: str = "") -> Response:
    now = await current(request, work.services)
    s, target = now.status, safe_next(next)
    if s.state is SessionState.SETUP or not s.factors:
        return RedirectResponse("/security", status_code=303)
    if s.state is SessionState.FULL and not target:
        return RedirectResponse(home(s.actor), status_code=303)
    return _html(views.verify_page(now.t, s, now.csrf, target))


@router.post("/second-factor")
async def verify_code(request: Request, work: WorkDep) -> Response:
    now, submitted = await posted(request, work.services)
    target = safe_next(_text(submitted, "next"))
    checked = await work.services.second_factor.check_code(now.token, _text(submitted, "code"))
    if checked.outcome is Outcome.PASSED:
        if checked.recovery_left is not None:
            target = f"/security?left={checked.recovery_left}"
        return RedirectResponse(target or home(checked.actor), status_code=303)
    message, status = _refused(now.t, checked.outcome)
    return _html(views.verify_page(now.t, now.status, now.csrf, target, message), status)


@router.get("/security")
async def security_page(
    request: Request, work: WorkDep, saved: int = 0, left: int | None = None
) -> Response:
    now = await current(request, work.services)
    s, t = now.status, now.t
    if s.state is SessionState.PENDING:
        return RedirectResponse("/second-factor", status_code=303)
    message = None
    if s.state is SessionState.SETUP:
        text = t("The organization requires owners to use a second factor. Add one to go on.")
        message = notice(text, "error")
    elif left is not None:
        message = notice(t.n("{count} recovery code left.", "{count} recovery codes left.", left))
    elif saved:
        message = notice(t("Saved."))
    return _html(views.security_page(t, s, now.csrf, message))


@router.post("/security/totp")
async def totp_start(request: Request, work: WorkDep) -> Response:
    """The secret is on this response only (no-store), never in a URL or a later page."""
    now, _ = await posted(request, work.services)
    setup = await work.services.factor_setup.start_totp(now.token)
    return _html(views.totp_page(now.t, now.status, now.csrf, setup), secret=True)


@router.post("/security/totp/confirm")
async def totp_confirm(request: Request, work: WorkDep) -> Response:
    now, submitted = await posted(request, work.services)
    setup = work.services.factor_setup
    checked = await setup.confirm_totp(now.token, _text(submitted, "code"))
    if checked.outcome is Outcome.PASSED:
        return _codes_or_saved(now, checked.recovery_codes)
    message, status = _refused(now.t, checked.outcome)
    assert checked.setup is not None
    page = views.totp_page(now.t, now.status, now.csrf, checked.setup, message)
    return _html(page, status, secret=True)


@router.post("/security/factors/{factor_id}/remove")
async def remove(request: Request, work: WorkDep, factor_id: int) -> Response:
    now, _ = await posted(request, work.services)
    try:
        await work.services.factor_setup.remove(now.token, factor_id)
    except DomainError as error:
        if error.code in REDIRECTS or error.code == "csrf_invalid":
            raise
        return await _security_error(work, now, error)
    return RedirectResponse("/security?saved=1", status_code=303)


@router.post("/security/recovery")
async def recovery(request: Request, work: WorkDep) -> Response:
    now, _ = await posted(request, work.services)
    codes = await work.services.factor_setup.new_recovery_codes(now.token)
    return _codes_or_saved(now, codes)


@router.post("/security/owners")
async def owners(request: Request, work: WorkDep) -> Response:
    now, submitted = await posted(request, work.services)
    try:
        required = submitted.get("required") == "1"
        await work.services.factor_setup.set_required(now.token, required)
    except DomainError as error:
        if error.code in REDIRECTS or error.code in ("csrf_invalid", "forbidden"):
            raise
        return await _security_error(work, now, error)
    return RedirectResponse("/security?saved=1", status_code=303)


def _codes_or_saved(now: Current, codes: list[str]) -> Response:
    if not codes:
        return RedirectResponse("/security?saved=1", status_code=303)
    return _html(views.codes_page(now.t, now.status, codes), secret=True)


async def _security_error(work: WorkDep, now: Current, error: DomainError) -> Response:
    await work.discard()
    message = notice(describe(now.t.translator, error), "error")
    return _html(views.security_page(now.t, now.status, now.csrf, message), 422)
