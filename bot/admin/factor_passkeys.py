"""Passkeys in the browser: the script (a file: the pages allow no inline script), WebAuthn
options for `navigator.credentials` and the answers to them, as JSON with the session's CSRF
token in the `X-CSRF-Token` header. Passing a passkey answers where to go next; a refusal
answers problem details (bot/admin/problem.py) in the person's language (422, 429 after too
many)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.admin.context import WorkDep, admin_context
from bot.admin.factor_pages import Current, current, home, safe_next
from bot.admin.factor_views import too_many, wrong_code
from bot.admin.problem import problem
from bot.admin.security import CSRF_HEADER
from core.admin.factor_base import REGISTER, SIGN_IN
from core.admin.factors import FAILURE_MINUTES, Outcome
from core.errors import DomainError
from handlers.errors import describe

router = APIRouter(include_in_schema=False)
SCRIPT = Path(__file__).with_name("passkey.js")
MAX_RESPONSE = 16 * 1024  # a WebAuthn answer is a few KiB


async def _checked(request: Request, work: WorkDep) -> tuple[Current, str]:
    now = await current(request, work.services)
    if not admin_context(request).signer.csrf_ok(now.token, request.headers.get(CSRF_HEADER)):
        raise DomainError("csrf_invalid")
    body = await request.body()
    if len(body) > MAX_RESPONSE:
        raise DomainError("passkey_invalid")
    return now, body.decode("utf-8", "replace")


def _options(text: str) -> Response:
    return Response(text, media_type="application/json", headers={"cache-control": "no-store"})


def _refusal(
    request: Request, now: Current, error: DomainError | None, outcome: Outcome | None = None
) -> Response:
    if outcome is Outcome.LIMITED:
        headers = {"retry-after": str(FAILURE_MINUTES * 60)}
        return problem(request, 429, "second_factor_limited", str(too_many(now.t)), headers)
    if error is None:
        return problem(request, 422, "second_factor_wrong", str(wrong_code(now.t)))
    return problem(request, 422, error.code, describe(now.t.translator, error))


@router.get("/second-factor/passkey.js")
async def script() -> Response:
    return Response(
        SCRIPT.read_text(), media_type="text/javascript", headers={"cache-control": "no-cache"}
    )


@router.post("/second-factor/passkey/options")
async def sign_in_options(request: Request, work: WorkDep) -> Response:
    now, _ = await _checked(request, work)
    return _options(await work.services.second_factor.passkey_options(now.token, SIGN_IN))


@router.post("/second-factor/passkey")
async def sign_in(request: Request, work: WorkDep, next: str = "") -> Response:
    now, body = await _checked(request, work)
    checked = await work.services.second_factor.check_passkey(now.token, body)
    if checked.outcome is not Outcome.PASSED:
        return _refusal(request, now, None, checked.outcome)
    return JSONResponse({"next": safe_next(next) or home(checked.actor)})


@router.post("/security/passkey/options")
async def register_options(request: Request, work: WorkDep) -> Response:
    now, _ = await _checked(request, work)
    return _options(await work.services.second_factor.passkey_options(now.token, REGISTER))


@router.post("/security/passkey")
async def register(request: Request, work: WorkDep, name: str = "") -> Response:
    """The answer carries the recovery codes when this is the person's first factor: the
    script shows them once."""
    now, body = await _checked(request, work)
    try:
        json.loads(body)
        checked = await work.services.factor_setup.register_passkey(now.token, body, name)
    except ValueError:
        return _refusal(request, now, DomainError("passkey_invalid"))
    except DomainError as error:
        if error.code in ("csrf_invalid", "session_invalid", "second_factor_pending"):
            raise
        await work.discard()
        return _refusal(request, now, error)
    return JSONResponse(
        {"next": "/security?saved=1", "codes": checked.recovery_codes},
        headers={"cache-control": "no-store"},
    )
