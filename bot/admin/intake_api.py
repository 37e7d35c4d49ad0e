"""The public intake API under /api/public/v1 (issue 21, items 2-3; docs/widget.md): the
website's form reads the catalogue and address suggestions and posts requests. The public
key names the organization (`X-Widget-Key`, `X-Api-Key`, or `?key=`, which preflights
carry); a browser's Origin must be on the organization's list (CORS, preflights too); per
address and per key rate limits answer 429 with Retry-After; every outcome is counted."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.admin.client_move import deliver, to_outbox
from bot.admin.context import WorkDep, admin_context
from bot.admin.intake_body import OrderIn, Refused, checked, parse
from bot.admin.limits import retry_after
from bot.admin.problem import problem, responses, translator
from bot.admin.security import client_key
from core.errors import DomainError
from core.intake.model import HORIZON_DAYS, REQUIRABLE
from core.intake.requests import FieldError
from core.intake.settings import IntakeOrg
from core.services import Services
from handlers.delivery.outgoing import Outgoing
from handlers.errors import describe
from handlers.i18n import N_
from handlers.orders.website_news import tell_website_request

router = APIRouter(prefix="/api/public/v1", tags=["public intake"])
KEY_HEADERS = ("x-widget-key", "x-api-key")
WINDOW = 60
LIMITS = {"ip": 10, "key": 60, "read": 60}  # POSTs per address, per key; reads per address


async def _over(request: Request, limit: str, key: str) -> float | None:
    """None, or seconds until `key` may try again (shared by every process with Redis)."""
    budget = admin_context(request).limits.get(f"intake:{limit}", LIMITS[limit], WINDOW)
    return await budget.take(key)


def _count(request: Request, outcome: str) -> None:
    admin_context(request).container.metrics.intake.labels(outcome).inc()


def _key(request: Request) -> str | None:
    for name in KEY_HEADERS:
        if value := request.headers.get(name):
            return value.strip()
    return request.query_params.get("key")


def _answer(request: Request, body: object, status: int, found: IntakeOrg | None) -> Response:
    return _cors(request, JSONResponse(body, status_code=status), found)


def _cors(request: Request, response: Response, found: IntakeOrg | None) -> Response:
    origin = request.headers.get("origin")
    if found is not None and found.settings.allows(origin):
        response.headers["Access-Control-Allow-Origin"] = origin or ""
    response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(
    request: Request, outcome: str, status: int, found: IntakeOrg | None, wait: float = 0
) -> Response:
    """A problem (bot/admin/problem.py) whose `code` is the outcome."""
    _count(request, outcome)
    headers = {"Retry-After": retry_after(wait)} if status == 429 else None
    detail = translator(request)(MESSAGES[outcome])
    return _cors(request, problem(request, status, outcome, detail, headers), found)


MESSAGES = {
    "key_invalid": N_("The public key names no organization taking website requests."),
    "origin_refused": N_("This website is not on the organization's list."),
    "rate_limited": N_("Too many requests; try again later."),
    "invalid": N_("Some fields are not valid."),
}


def _documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Problems; a 422 also carries the widget's `fieldErrors` ({field: [messages]})."""
    meaning = {
        401: "The public key names no organization taking website requests",
        403: "The website (Origin) is not on the organization's list",
        413: "The body is larger than the limit",
        422: "Some fields are not valid (errors, and fieldErrors for the widget)",
        429: "Too many requests (Retry-After)",
    }
    documented = responses(*codes)
    for code in codes:
        documented[code]["description"] = meaning[code]
    return documented


async def _gate(
    request: Request, services: Services, limit: str
) -> tuple[IntakeOrg | None, Response | None]:
    """The organization the key names, or the refusal to answer with."""
    found = await services.intake_settings.find(_key(request))
    if found is None:
        return None, _error(request, "key_invalid", 401, None)
    origin = request.headers.get("origin")
    if origin is not None and not found.settings.allows(origin):
        return None, _error(request, "origin_refused", 403, None)
    wait = await _over(request, limit, client_key(request))
    if wait is None and limit == "ip":
        wait = await _over(request, "key", str(found.organization.id))
    if wait is not None:
        return None, _error(request, "rate_limited", 429, found, wait)
    return found, None


@router.options("/{path:path}", include_in_schema=False)
async def preflight(request: Request, work: WorkDep, path: str) -> Response:
    """Answered only for an allowed origin of the organization `?key=` names."""
    found = await work.services.intake_settings.find(request.query_params.get("key"))
    origin = request.headers.get("origin")
    if found is None or not found.settings.allows(origin):
        _count(request, "origin_refused")
        return Response(status_code=403, headers={"Vary": "Origin"})
    headers = {
        "Access-Control-Allow-Origin": origin or "",
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "content-type, x-widget-key, x-api-key",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }
    return Response(status_code=204, headers=headers)


@router.get("/catalogue", responses=_documented(401, 403, 429))
async def catalogue(request: Request, work: WorkDep) -> Response:
    """The kinds of work (`serviceId`) with their services (`subServiceId`)."""
    found, refused = await _gate(request, work.services, "read")
    if refused is not None or found is None:
        return refused or Response(status_code=500)
    kinds = await work.services.intake.catalogue.kinds(found.organization.id)
    body = [
        {
            "id": str(k.id),
            "name": k.name,
            "subcategories": [{"id": str(s.id), "name": s.name} for s in k.services],
        }
        for k in kinds
    ]
    settings, org = found.settings, found.organization
    form = {
        "required": [REQUIRABLE[name] for name in settings.required],
        "timeZone": org.timezone,
        "horizonDays": HORIZON_DAYS,
        "buttonIcon": settings.icon,
    }
    return _answer(request, {"categories": body, "form": form}, 200, found)


@router.get("/address-suggestions", responses=_documented(401, 403, 429))
async def address_suggestions(request: Request, work: WorkDep, q: str = "") -> Response:
    """DaData's suggestions, with the organization's key (which stays on the server)."""
    found, refused = await _gate(request, work.services, "read")
    if refused is not None or found is None:
        return refused or Response(status_code=500)
    language = "en" if request.query_params.get("locale") == "en" else "ru"
    org_id = found.organization.id
    found_addresses = await work.services.intake.catalogue.suggest(org_id, q, language)
    body = [
        {
            "value": a.value,
            "unrestricted_value": a.value,
            "data": {"geo_lat": _text(a.latitude), "geo_lon": _text(a.longitude)},
        }
        for a in found_addresses
    ]
    return _answer(request, {"suggestions": body}, 200, found)


def _text(value: float | None) -> str | None:
    return None if value is None else str(value)


@router.post(
    "/orders",
    responses={
        201: {"description": "The request is taken: `orderId`"},
        **_documented(401, 403, 413, 422, 429),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": OrderIn.model_json_schema()}},
        }
    },
)
async def post_order(request: Request, work: WorkDep) -> Response:
    """A request from a website: 201 with `orderId` (200 and `duplicate` for the same
    request again within minutes), 422 with `fieldErrors`, 429 with Retry-After."""
    services = work.services
    found, refused = await _gate(request, services, "ip")
    if refused is not None or found is None:
        return refused or Response(status_code=500)
    try:
        raw: Any = json.loads(await request.body())
    except ValueError:
        return _refused(request, Refused({"body": ["Send a JSON object."]}), found)
    try:
        request_in = checked(parse(raw), found.settings.required)
        submitted = await services.intake.submit(found, request_in)
    except Refused as error:
        return _refused(request, error, found)
    except FieldError as error:
        await work.discard()
        message = describe(translator(request), error)
        return _refused(request, Refused({error.field: [message]}), found)
    except DomainError:
        await work.discard()
        raise
    context = admin_context(request)
    outgoing = Outgoing()
    await tell_website_request(services, context.container.catalogs, outgoing, submitted)
    sender = context.telegram.sender if context.telegram is not None else None
    stored = await to_outbox(work.work, outgoing.deliveries, sender, services.clock.now())
    _count(request, "repeated" if submitted.repeated else "created")
    body = {
        "orderId": str(submitted.order.id),
        "number": submitted.order.number,
        "state": submitted.state,
        "duplicate": submitted.repeated,
    }
    response = _answer(request, body, 200 if submitted.repeated else 201, found)
    response.background = deliver(sender, stored)
    return response


def _refused(request: Request, error: Refused, found: IntakeOrg) -> Response:
    """422 `invalid`: `errors` as everywhere, and `fieldErrors` as the widget reads them."""
    _count(request, error.outcome)
    detail = translator(request)(MESSAGES["invalid"])
    listed = [
        {"field": field, "message": message}
        for field, messages in error.errors.items()
        for message in messages
    ]
    answer = problem(request, 422, "invalid", detail, errors=listed, fieldErrors=error.errors)
    return _cors(request, answer, found)
