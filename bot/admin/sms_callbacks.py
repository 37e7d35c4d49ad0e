"""What the organizations' SMS providers call (issue 19, items 2 and 11; docs/sms.md):
`POST /sms/<provider>/<organization id>/<secret>` with delivery reports and inbound messages,
and the owner's `POST /api/client-channels/sms/callback` that makes a new secret and answers
the URL to give the provider (the old one stops working).

Neither SMS.ru nor SMSC.ru signs its callbacks, so the secret in the path (random, stored
hashed, compared in constant time) is the authentication; a wrong one, an unknown
organization or provider answers 404 and records nothing. SMS.ru repeats a report until it
gets the body `100`; SMSC.ru wants HTTP 200. Replays change nothing (a report moves a message
only from sent; a STOP already recorded is not recorded again). Logs: counts only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.admin.api import own_caller
from bot.admin.context import admin_context
from bot.admin.problem import Problem
from bot.admin.security import Caller
from bot.admin.wiring import public_url
from core.channels.sms import InboundSms, SmsStatus
from core.client_loop.optout import SMS_PROVIDERS
from handlers.i18n import N_
from integrations import sms_ru, smsc

router = APIRouter(include_in_schema=False)
ANSWER = {"sms_ru": sms_ru.CALLBACK_ACK, "smsc": "OK"}


def _parsed(
    provider: str, fields: list[tuple[str, str]]
) -> tuple[list[SmsStatus], list[InboundSms]]:
    if provider == "sms_ru":
        return sms_ru.parse_callback(fields), sms_ru.parse_inbound(fields)
    single = dict(fields)
    status, inbound = smsc.parse_callback(single), smsc.parse_inbound(single)
    return ([status] if status else []), ([inbound] if inbound else [])


@router.post("/sms/{provider}/{org_id}/{secret}")
async def sms_callback(request: Request, provider: str, org_id: int, secret: str) -> Response:
    if provider not in SMS_PROVIDERS or len(secret) > 64:
        return PlainTextResponse("not found", status_code=404)
    form = await request.form()
    fields = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    statuses, inbound = _parsed(provider, fields)
    optouts = admin_context(request).container.services.client_loop.optouts()
    if await optouts.sms_reports(org_id, secret, statuses, inbound) is None:
        return PlainTextResponse("not found", status_code=404)
    return PlainTextResponse(ANSWER[provider])


@router.post("/api/client-channels/sms/callback")
async def new_sms_callback(
    request: Request, who: Annotated[Caller, Depends(own_caller)], provider: str = "sms_ru"
) -> Response:
    """Owners: a new callback URL for the organization's SMS provider (`sms_ru` or `smsc`)."""
    if provider not in SMS_PROVIDERS:
        detail = N_("Choose the SMS provider: sms_ru or smsc.")
        raise Problem(422, "provider_invalid", detail)
    container = admin_context(request).container
    path = await container.services.client_loop.optouts().rotate_sms_hook(who.actor, provider)
    return JSONResponse({"url": public_url(container.settings).rstrip("/") + path})
