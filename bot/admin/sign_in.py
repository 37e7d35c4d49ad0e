"""Signing in from the bot's /admin link, and what a refused attempt costs (issue 25, item
12). A link opens a session cookie and, on a browser without one, a long-lived device cookie
(a random id the database keeps hashed): a person who signed in before, signing in from a
browser never seen, gets one Telegram message through the outbox ("Not you? Sign out
everywhere", handlers/admin_sessions.py), written in the request's transaction.

A refused link (unknown, expired, used) and a session cookie our key did not sign are
counted per address in the shared budget (bot/admin/limits.py: Redis when configured, else
this process): ten a minute are answered with a localized page (401) and audited with their
reason, never the token; the eleventh gets 429 with Retry-After. Both are counted in
/metrics (`astracrm_admin_auth_failures{reason}`, `astracrm_admin_auth_limited`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.client_move import deliver, to_outbox
from bot.admin.context import WorkDep, admin_context
from bot.admin.html import SafeText, button, join, page, tag
from bot.admin.limits import retry_after
from bot.admin.pages import error_page
from bot.admin.problem import is_json_api, problem, translator
from bot.admin.security import COOKIE, DEVICE_COOKIE, RateLimited, SessionForged, client_key
from core.admin.factors import SessionState
from core.admin.model import DEVICE_DAYS, SESSION_HOURS, SIGN_IN_MINUTES, Origin
from core.admin.sessions import Failure, SignInRefused
from core.permissions import Action, allowed
from core.runtime.outbox import Stored
from handlers.admin_sessions import new_browser_notice
from handlers.delivery.outgoing import Outgoing
from handlers.errors import describe
from handlers.i18n import N_, Translator

router = APIRouter(include_in_schema=False)
# A session with its second factor to pass, or an owner's to set up first, starts there
# (docs/second-factor.md).
FIRST = {SessionState.PENDING: "/second-factor", SessionState.SETUP: "/security"}

REFUSALS = {
    Failure.LINK_UNKNOWN: N_("This sign-in link is not valid."),
    Failure.LINK_USED: N_(
        "This sign-in link was already used: a link works once. If it was not you, sign in "
        "with a new link and choose “Sign out everywhere” on the Sessions page."
    ),
}


def refusal_text(t: Translator, reason: Failure) -> str:
    if reason is Failure.LINK_EXPIRED:
        return t.n(
            "This sign-in link has expired: a link works for {count} minute.",
            "This sign-in link has expired: a link works for {count} minutes.",
            SIGN_IN_MINUTES,
        )
    return t(REFUSALS.get(reason, REFUSALS[Failure.LINK_UNKNOWN]))


def _asked_language(request: Request) -> Translator:
    return admin_context(request).translator(request.headers.get("accept-language", "")[:2])


async def count_refusal(request: Request, reason: Failure) -> None:
    """One refusal from the caller's address: within the budget it is counted in /metrics;
    over it, `RateLimited` (429 with Retry-After) and the limited count instead."""
    context = admin_context(request)
    metrics = context.container.metrics
    wait = await context.auth_failures.take(client_key(request))
    if wait is not None:
        metrics.admin_auth_limited.inc()
        raise RateLimited(retry_after(wait))
    metrics.admin_auth_failures.labels(reason.value).inc()


@router.get("/signin/{token}")
async def sign_in_page(request: Request, token: str) -> Response:
    """A button, not an immediate sign-in: link previews and scanners that fetch the URL
    must not spend the one-time link."""
    t = SafeText(_asked_language(request))
    confirm = tag(
        "form",
        button(t("Sign in"), "sign-in"),
        method="post",
        action=f"/signin/{token}",
    )
    body = join([tag("p", t("Open the settings and billing of your organization.")), confirm])
    return HTMLResponse(page(t, t("Sign in to AstraCRM"), body))


@router.post("/signin/{token}")
async def sign_in(request: Request, work: WorkDep, token: str) -> Response:
    context = admin_context(request)
    agent = request.headers.get("user-agent", "")
    origin = Origin(agent, client_key(request), request.cookies.get(DEVICE_COOKIE))
    try:
        opened = await work.services.admin.sign_in(token, origin)
    except SignInRefused as refused:
        await work.discard()
        await count_refusal(request, refused.reason)
        await work.services.admin.sessions.refused(refused.reason, refused.link)
        t = _asked_language(request)
        return error_page(request, t, refusal_text(t, refused.reason), 401)
    stored: list[Stored] = []
    sender = context.telegram.sender if context.telegram is not None else None
    if opened.new_browser:
        outgoing = Outgoing()
        chat, text, markup = new_browser_notice(context.container.catalogs, opened)
        # kept: it follows the person's own sign-in and guards their account, so it goes
        # even when they restricted processing of their data (docs/data-rights.md)
        outgoing.send(chat, text, markup, kept=True)
        now = work.services.clock.now()
        stored = await to_outbox(work.work, outgoing.deliveries, sender, now)
    owner = allowed(opened.actor.role, Action.ORG_SETTINGS)  # managers: the board only
    where = FIRST.get(opened.state, "/settings" if owner else "/board")
    response = RedirectResponse(where, status_code=303, background=deliver(sender, stored))
    secure = context.secure_cookies
    _cookie(response, COOKIE, context.signer.sign(opened.token), SESSION_HOURS * 3600, secure)
    _cookie(response, DEVICE_COOKIE, opened.device, DEVICE_DAYS * 86400, secure)
    return response


def _cookie(response: Response, name: str, value: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )


async def forged_cookie(request: Request, error: SessionForged) -> Response:
    """A session cookie our key did not sign (the app's handler for `SessionForged`): counted
    and audited in a transaction of its own (the request's rolled back), answered like an
    ended session, and the cookie is dropped; over the address's budget, 429."""
    try:
        await count_refusal(request, Failure.COOKIE_FORGED)
    except RateLimited as limited:
        return too_many(request, limited)
    await admin_context(request).container.services.admin.sessions.refused(Failure.COOKIE_FORGED)
    response: Response
    if is_json_api(request):  # a problem, as every refusal of the JSON APIs
        response = problem(request, 401, error.code, describe(translator(request), error))
    else:
        t = _asked_language(request)
        response = error_page(request, t, describe(t, error), 401)
    response.delete_cookie(COOKIE, path="/")
    return response


def too_many(request: Request, error: RateLimited) -> Response:
    """429 with Retry-After: a localized page for the browser's pages, a problem for the
    JSON APIs (bot/admin/problem.py)."""
    headers = {"Retry-After": error.retry_after}
    if is_json_api(request):
        t = translator(request)
        detail = t("Too many requests; retry in {seconds} s.", seconds=error.retry_after)
        return problem(request, 429, "rate_limited", detail, headers)
    t = _asked_language(request)
    seconds = int(error.retry_after) if error.retry_after.isdigit() else 60
    text = t.n(
        "Too many attempts from your address. Try again in {count} second.",
        "Too many attempts from your address. Try again in {count} seconds.",
        seconds,
    )
    refused = error_page(request, t, text, 429)
    refused.headers.update(headers)
    return refused
