"""The client page's "I accept the work" (issue 20, item 8): on a done order not accepted yet,
a form with the client's name and a canvas to sign on. The canvas is drawn by a small script
served from this server (`/sign.js`, CSP `script-src 'self'`, no inline script); the form
works without it (the name alone). The PNG is checked (`core.checklists.rules`) and kept in
the file store. `?staff=1` is the link the assignee opens on their own phone."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin.client_acceptance_view import SCRIPT
from bot.admin.client_page import _draw, _gate, _refused
from bot.admin.client_view import notice
from bot.admin.context import WorkDep
from core.checklists.rules import MAX_SIGNATURE_BYTES
from core.errors import DomainError
from handlers.i18n import N_

router = APIRouter(include_in_schema=False)
DATA_URL = "data:image/png;base64,"
ACCEPTED = N_("Thank you! You accepted the work.")


def _signature(value: object) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    if not value.startswith(DATA_URL) or len(value) > MAX_SIGNATURE_BYTES * 4 // 3 + 100:
        raise DomainError("signature_invalid")
    try:
        return base64.b64decode(value[len(DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("signature_invalid") from None


@router.get("/sign.js")
async def sign_script() -> Response:
    headers = {"cache-control": "public, max-age=3600", "x-content-type-options": "nosniff"}
    return Response(SCRIPT, media_type="text/javascript", headers=headers)


@router.post("/c/{token}/accept")
async def client_accept(request: Request, work: WorkDep, token: str) -> Response:
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    services = work.services
    name = submitted.get("name")
    try:
        await services.acceptances.on_page(
            token,
            name if isinstance(name, str) else "",
            _signature(submitted.get("signature")),
            staff=submitted.get("staff") == "1",
        )
    except DomainError as error:
        if error.code in ("client_page_unknown", "client_page_expired"):
            return await _refused(request, services, token, error, chosen)
        await work.discard()
        status = 409 if error.code in ("already_accepted", "acceptance_not_done") else 422
        message = ERRORS.get(error.code, ERRORS["signature_invalid"])
        params = {"number": error.params.get("number", "")}
        return await _draw(
            request, work, token, chosen, lambda t: notice(t(message, **params), "error"), status
        )
    return await _draw(request, work, token, chosen, lambda t: notice(t(ACCEPTED)))


ERRORS = {
    "signature_invalid": N_("The signature could not be read. Please draw it again."),
    "acceptance_name": N_("Please type your name to accept the work."),
    "already_accepted": N_("The work on order №{number} has already been accepted."),
    "acceptance_not_done": N_("Order №{number} is not done yet, so it cannot be accepted."),
}
