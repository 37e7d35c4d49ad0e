"""The unsubscribe link of client e-mails, `/u/<token>` (issue 19, item 11; RFC 8058).

- `GET` only shows a small page with a button: link scanners and previews fetch links, and a
  GET must not unsubscribe. The button POSTs to the same address.
- `POST` (the mail provider's one-click, body `List-Unsubscribe=One-Click`, or the button)
  records the e-mail withdrawal at once and answers 200 with a confirmation page. No CSRF
  nonce: the token is the credential and the provider's POST carries nothing else. A repeat
  records nothing more and answers the same.
- An unknown or expired token answers 404 in the reader's language; failed lookups count
  against the caller's address (429 after too many).
- Nothing here logs: the token, the address and the names never reach a log line.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin.client_page import choose_language
from bot.admin.client_view import HEADERS, TOO_MANY, document, notice
from bot.admin.context import admin_context
from bot.admin.html import Safe, SafeText, join, tag
from bot.admin.security import client_key
from core.client_loop.optout import OptOutService, Unsubscribing
from handlers.i18n import N_

router = APIRouter(include_in_schema=False)
UNKNOWN = N_("This unsubscribe link is not valid or has expired.")
QUESTION = N_("Stop receiving e-mails from {org}?")
DONE = N_("You will no longer receive e-mails from {org}.")
BUTTON = N_("Unsubscribe")


def _optouts(request: Request) -> OptOutService:
    return admin_context(request).container.services.client_loop.optouts()


def _html(content: str, status: int = 200) -> Response:
    extra = {"retry-after": "60"} if status == 429 else {}
    return HTMLResponse(content, status_code=status, headers=HEADERS | extra)


def _t(request: Request, fallback: str | None) -> SafeText:
    language = choose_language(request, request.query_params.get("lang"), fallback)
    return SafeText(admin_context(request).translator(language))


def _unknown(request: Request) -> Response:
    if not admin_context(request).failed_auth.allow(client_key(request)):
        t = _t(request, None)
        return _html(document(t, t(BUTTON), notice(t(TOO_MANY), "error")), 429)
    t = _t(request, None)
    return _html(document(t, t(BUTTON), notice(t(UNKNOWN), "error")), 404)


def _done(request: Request, shown: Unsubscribing) -> Response:
    t = _t(request, shown.language)
    body = notice(t(DONE, org=shown.org_name))
    return _html(document(t, t(BUTTON), body, shown.org_name))


@router.get("/u/{token}")
async def unsubscribe_page(request: Request, token: str) -> Response:
    shown = await _optouts(request).unsubscribe_view(token)
    if shown is None:
        return _unknown(request)
    if shown.withdrawn:
        return _done(request, shown)
    t = _t(request, shown.language)
    one_click = Safe('<input type="hidden" name="List-Unsubscribe" value="One-Click">')
    submit = tag("button", t(BUTTON), type="submit", data_testid="unsubscribe")
    button = tag("form", join([one_click, submit]), method="post", action=f"/u/{token}")
    question = tag("h1", t(QUESTION, org=shown.org_name))
    return _html(document(t, t(BUTTON), tag("section", join([question, button])), shown.org_name))


@router.post("/u/{token}")
async def unsubscribe(request: Request, token: str) -> Response:
    shown = await _optouts(request).unsubscribe(token)
    if shown is None:
        return _unknown(request)
    return _done(request, shown)
