"""The client page `/c/<token>` (issue 19 item 3): one order as its client may see it, with
Confirm and Cancel as plain forms, without a login, in the client's language.

- The token in the path is the credential (`core.client_loop.page`); an unknown, expired or
  revoked token, or one whose order is no longer its client's, answers 404 in the client's
  language. Failed lookups count against the caller's address (`failed_auth`), POSTs against
  the token (10 a minute).
- Forms carry a nonce signed for the token (`Signer.csrf`, as the settings forms' CSRF field
  is), so a POST works only from a page the server drew for that token; a POST with a bad
  nonce redraws the page with a fresh one. Successful actions redirect (post-redirect-get).
- The language: `?lang=` (carried through the forms), else the best of `Accept-Language`,
  else the organization's.
- Nothing here logs: the token, names and addresses never reach a log line.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from bot.admin import client_payments
from bot.admin.client_acceptance_view import accept_section
from bot.admin.client_approval_view import approve_section
from bot.admin.client_invoice import invoice_section
from bot.admin.client_move import MOVE_ANSWERS, deliver, move_section, tell_moved, to_outbox
from bot.admin.client_photo import photos_section
from bot.admin.client_rating import RATE_REFUSED, rate_section
from bot.admin.client_view import (
    EXPIRED,
    FORM_EXPIRED,
    HEADERS,
    TOO_MANY,
    UNKNOWN,
    message_page,
    notice,
    order_page,
    outcome_notice,
)
from bot.admin.context import RequestWork, WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, SafeText, join
from bot.admin.security import RateLimiter, client_key
from core.client_loop.answers import Answer
from core.client_loop.answers import Outcome as Moved
from core.client_loop.page import Outcome
from core.client_loop.tokens import hash_token
from core.domain import LANGUAGES
from core.errors import DomainError
from core.services import Services
from handlers.delivery.outgoing import Outgoing

router = APIRouter(include_in_schema=False)
POSTS_PER_MINUTE = 10
PAGE_CODES = frozenset({"client_page_unknown", "client_page_expired"})
REFUSED_STATUS = {Outcome.REASON_MISSING: 422, Outcome.REASON_TOO_LONG: 422}
Act = Callable[[Services], Awaitable[Outcome]]


def choose_language(request: Request, chosen: str | None, fallback: str | None) -> str:
    """`chosen` (the `lang` override) if we speak it, else the first language of the
    browser's `Accept-Language` we speak (by q), else `fallback`, else English."""
    if chosen in LANGUAGES:
        return str(chosen)
    ranked = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        code, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, code.split("-")[0].strip().lower()))
    for minus_q, _, code in sorted(ranked):
        if minus_q < 0 and code in LANGUAGES:
            return code
    return fallback if fallback in LANGUAGES else "en"


def _text(request: Request, language: str) -> SafeText:
    return SafeText(_context(request).translator(language))


def _html(content: str, status: int = 200, retry: bool = False) -> Response:
    extra = {"retry-after": "60"} if retry else {}
    return HTMLResponse(content, status_code=status, headers=HEADERS | extra)


def new_nonce(request: Request, token: str) -> str:
    salt = secrets.token_urlsafe(12)
    return f"{salt}.{_context(request).signer.csrf(_subject(token, salt))}"


def nonce_ok(request: Request, token: str, given: object) -> bool:
    if not isinstance(given, str):
        return False
    salt, _, mac = given.partition(".")
    return bool(salt) and _context(request).signer.csrf_ok(_subject(token, salt), mac)


def _subject(token: str, salt: str) -> str:
    return f"client-page:{hash_token(token)}:{salt}"


def _post_limit(request: Request) -> RateLimiter:
    state = request.app.state
    limiter = getattr(state, "client_page_posts", None)
    if limiter is None:
        limiter = state.client_page_posts = RateLimiter(POSTS_PER_MINUTE)
    return limiter


async def _refused(
    request: Request, services: Services, token: str, error: DomainError, chosen: str | None
) -> Response:
    """404 for a link that opens nothing, in the client's language (429 when this address
    has tried too many)."""
    if error.code not in PAGE_CODES:
        raise error
    if not _context(request).failed_auth.allow(client_key(request)):
        t = _text(request, choose_language(request, chosen, None))
        return _html(message_page(t, TOO_MANY), 429, retry=True)
    t = _text(
        request, choose_language(request, chosen, await services.client_page.language(token))
    )
    text = EXPIRED if error.code == "client_page_expired" else UNKNOWN
    return _html(message_page(t, text), 404)


async def _draw(
    request: Request,
    work: RequestWork,
    token: str,
    chosen: str | None,
    message: Callable[[SafeText], Safe] | None = None,
    status: int = 200,
) -> Response:
    services = work.services
    try:
        shown = await services.client_page.open(token)
    except DomainError as error:
        return await _refused(request, services, token, error, chosen)
    t = _text(request, choose_language(request, chosen, shown.language))
    hidden = {"nonce": new_nonce(request, token)} | ({"lang": str(chosen)} if chosen else {})
    now = services.clock.now()
    extra = None
    if shown.can_cancel:  # not started: it can move too
        times = await services.client_answers.page_times(token)
        extra = move_section(t, times, shown.timezone, f"/c/{token}", hidden)
    rating = await services.client_loop.page_rating(token)
    if rating is not None:  # asked by SMS or e-mail: the Rate form, or what was given
        rate = rate_section(t, rating, f"/c/{token}", hidden)
        extra = rate if extra is None else join([rate, extra])
    view = shown.view
    payment = await services.client_payments.page_link(view.organization_id, view.order_id)
    if payment is not None:  # done, with a payment link: the Pay button
        pay = client_payments.pay_section(t, payment, view.currency)
        extra = pay if extra is None else join([pay, extra])
    photos = await services.client_payments.page_photos(token)
    if photos:  # a done order's photos of the work, when the organization sends them
        work_photos = photos_section(t, f"/c/{token}", photos)
        extra = work_photos if extra is None else join([extra, work_photos])
    kept = await services.client_loop.page_papers(token)
    if kept is not None:  # a done order's invoice and report (issue 20, item 6)
        papers = invoice_section(t, f"/c/{token}", *kept)
        extra = papers if extra is None else join([extra, papers])
    accepting = await services.acceptances.page_state(token)
    if accepting is not None:  # a done order: "I accept the work" (issue 20, item 8)
        staff = request.query_params.get("staff") == "1"
        section = accept_section(t, accepting, f"/c/{token}", hidden, staff)
        extra = section if extra is None else join([section, extra])
    asked = await services.approvals.page_total(token)
    if asked is not None:  # a total changed on site waits for the client (issue 20, item 4)
        section = approve_section(t, asked, f"/c/{token}", hidden)
        extra = section if extra is None else join([section, extra])
    shown_message = message(t) if message is not None else None
    body = order_page(t, shown, f"/c/{token}", hidden, now, shown_message, extra)
    return _html(body, status)


@router.get("/c/{token}")
async def client_page(request: Request, work: WorkDep, token: str) -> Response:
    chosen = request.query_params.get("lang")
    if request.query_params.get("moved") == "1":
        moved = MOVE_ANSWERS[Answer.MOVED]
        return await _draw(request, work, token, chosen, lambda t: notice(t(moved)))
    done = request.query_params.get("done", "")
    outcome = Outcome(done) if done in {o.value for o in Outcome} else None
    if outcome is None or not outcome.done:
        return await _draw(request, work, token, chosen)
    return await _draw(request, work, token, chosen, lambda t: outcome_notice(t, outcome))


async def _gate(
    request: Request, work: RequestWork, token: str
) -> tuple[FormData, str | None, Response | None]:
    """What every form of the page checks first: the language asked for, the rate limit per
    token and the form's nonce; the form, that language, and the answer when one stops it."""
    submitted = await request.form()
    given = submitted.get("lang")
    chosen = given if isinstance(given, str) and given in LANGUAGES else None
    if not _post_limit(request).allow(hash_token(token)):
        t = _text(request, choose_language(request, chosen, None))
        return submitted, chosen, _html(message_page(t, TOO_MANY), 429, retry=True)
    if not nonce_ok(request, token, submitted.get("nonce")):
        expired = await _draw(
            request, work, token, chosen, lambda t: notice(t(FORM_EXPIRED), "error"), 403
        )
        return submitted, chosen, expired
    return submitted, chosen, None


async def _post(request: Request, work: RequestWork, token: str, act: Act) -> Response:
    _, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    try:
        outcome = await act(work.services)
    except DomainError as error:
        return await _refused(request, work.services, token, error, chosen)
    if outcome.done:
        where = f"/c/{token}?done={outcome.value}" + (f"&lang={chosen}" if chosen else "")
        return RedirectResponse(where, status_code=303, headers={"cache-control": "no-store"})
    status = REFUSED_STATUS.get(outcome, 409)
    return await _draw(request, work, token, chosen, lambda t: outcome_notice(t, outcome), status)


@router.post("/c/{token}/confirm")
async def client_confirm(request: Request, work: WorkDep, token: str) -> Response:
    return await _post(request, work, token, lambda s: s.client_page.confirm(token))


@router.post("/c/{token}/cancel")
async def client_cancel(request: Request, work: WorkDep, token: str) -> Response:
    async def cancel(services: Services) -> Outcome:
        submitted = await request.form()
        reason = submitted.get("reason")
        return await services.client_page.cancel(token, reason if isinstance(reason, str) else "")

    return await _post(request, work, token, cancel)


@router.post("/c/{token}/move")
async def client_move(request: Request, work: WorkDep, token: str) -> Response:
    """Move the visit to one of the free times (issue 19, item 5); the client's confirmation
    of the move goes as after any move, in Telegram through the outbox written in this
    request's transaction (bot.admin.client_move)."""
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    to = submitted.get("to")
    services = work.services
    try:
        if not isinstance(to, str) or not to.isdigit() or len(to) > 9:
            outcome = Moved(Answer.TAKEN)
        else:
            outcome = await services.client_answers.page_move(token, int(to))
    except DomainError as error:
        return await _refused(request, services, token, error, chosen)
    if outcome.answer is Answer.MOVED and outcome.order is not None:
        context = _context(request)
        outgoing = Outgoing()
        await tell_moved(context.container.catalogs, services, outcome, outgoing)
        sender = context.telegram.sender if context.telegram is not None else None
        now = services.clock.now()
        stored = await to_outbox(work.work, outgoing.deliveries, sender, now)
        where = f"/c/{token}?moved=1" + (f"&lang={chosen}" if chosen else "")
        headers = {"cache-control": "no-store"}
        return RedirectResponse(where, 303, headers, background=deliver(sender, stored))
    text = MOVE_ANSWERS.get(outcome.answer, MOVE_ANSWERS[Answer.CHANGED])
    return await _draw(request, work, token, chosen, lambda t: notice(t(text), "error"), 409)


@router.post("/c/{token}/rate")
async def client_rate(request: Request, work: WorkDep, token: str) -> Response:
    """The Rate form: 1-5 stars and an optional comment, once (issue 19, item 8)."""
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    stars, comment = submitted.get("stars"), submitted.get("comment")
    try:
        if not isinstance(stars, str) or stars not in ("1", "2", "3", "4", "5"):
            raise DomainError("choose_option")
        text = comment if isinstance(comment, str) else None
        await work.services.client_loop.rate_on_page(token, int(stars), text)
    except DomainError as error:
        if error.code in PAGE_CODES:
            return await _refused(request, work.services, token, error, chosen)
        refused = lambda t: notice(t(RATE_REFUSED), "error")  # noqa: E731
        return await _draw(request, work, token, chosen, refused, 422)
    where = f"/c/{token}" + (f"?lang={chosen}" if chosen else "")
    return RedirectResponse(where, status_code=303, headers={"cache-control": "no-store"})
