"""The board's HTTP routes: the page and its script and stylesheet (files: the page's
Content-Security-Policy allows no inline script), the day and week as JSON, and a drop on the
calendar (`POST`, CSRF token in the `X-CSRF-Token` header). Refusals answer problem details
(application/problem+json) with the reason in the member's language."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from bot.admin.board.data import cards_json, view_json
from bot.admin.board.page import PAGE_POLICY, board_page
from bot.admin.board.session import Viewer, viewer
from bot.admin.client_move import deliver, to_outbox
from bot.admin.context import WorkDep, admin_context
from bot.admin.problem import STATUS, problem, translator
from bot.admin.security import SessionForged
from core.errors import DomainError
from core.orders.audiences import CLIENT_EVENTS
from handlers.client_loop.confirm import queue_client_message
from handlers.delivery.outgoing import Outgoing
from handlers.errors import describe
from handlers.orders.publish import tell_staff

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
VIA = "web board"
Ref = Annotated[int, Field(ge=1, le=2**62)]


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    worker_id: Ref | None = None
    day: date | None = None
    time: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


def _refusal(request: Request, error: DomainError) -> JSONResponse:
    """A problem (bot/admin/problem.py) in the member's language once they are known."""
    message = describe(translator(request), error)
    return problem(request, STATUS.get(error.code, 422), error.code, message)


async def _viewer(request: Request, work: WorkDep) -> Viewer | JSONResponse:
    try:
        return await viewer(request, work.services)
    except SessionForged:
        raise  # counted, audited and limited by the app's handler (bot/admin/sign_in.py)
    except DomainError as error:
        return _refusal(request, error)


@router.get("/board")
async def page(request: Request, work: WorkDep) -> Response:
    who = await viewer(request, work.services)  # refusals: the admin app's error page
    html = board_page(admin_context(request), who)
    return HTMLResponse(html, headers={"content-security-policy": PAGE_POLICY})


@router.get("/board/board.js")
async def script() -> Response:
    body = (HERE / "board.js").read_text() + (HERE / "board_week.js").read_text()
    return Response(body, media_type="text/javascript", headers={"cache-control": "no-cache"})


@router.get("/board/board.css")
async def stylesheet() -> Response:
    body = (HERE / "board.css").read_text()
    return Response(body, media_type="text/css", headers={"cache-control": "no-cache"})


@router.get("/board/api/view")
async def view(
    request: Request,
    work: WorkDep,
    day: date | None = None,
    days: Annotated[int, Query(ge=1, le=7)] = 1,
    worker: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    category: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    who = await _viewer(request, work)
    if isinstance(who, JSONResponse):
        return who
    try:
        shown = await work.services.board.view(who.actor, day, days, worker, category, q)
    except DomainError as error:
        return _refusal(request, error)
    return JSONResponse(view_json(shown))


@router.post("/board/api/orders/{order_id}/move")
async def move(request: Request, work: WorkDep, order_id: Ref, body: MoveIn) -> Response:
    """A drop on the calendar: the bot's assign and reschedule, told to the staff and the
    client through the outbox in the request's transaction, as the REST API does."""
    who = await _viewer(request, work)
    if isinstance(who, JSONResponse):
        return who
    services, context = work.services, admin_context(request)
    org = who.actor.organization
    assert org is not None
    at = None
    if body.day is not None and body.time is not None:
        clock = time.fromisoformat(body.time)
        at = datetime.combine(body.day, clock, ZoneInfo(org.timezone))
    try:
        changes, was = await services.board.move(who.actor, order_id, body.worker_id, at, VIA)
        outgoing, catalogs = Outgoing(), context.container.catalogs
        for change in changes:
            tell_staff(catalogs, outgoing, change, who.actor.user.display_name)
            if change.event in CLIENT_EVENTS:
                order = change.card.order
                await queue_client_message(services, catalogs, outgoing, order, change.event, was)
    except DomainError as error:
        await work.discard()
        return _refusal(request, error)
    sender = context.telegram.sender if context.telegram is not None else None
    stored = await to_outbox(work.work, outgoing.deliveries, sender, services.clock.now())
    cards = await services.board.cards(who.actor, [order_id])
    response = JSONResponse({"cards": cards_json(cards, org.timezone)})
    task = deliver(sender, stored)
    if task is not None:
        response.background = task
    return response
