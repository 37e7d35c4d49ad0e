"""GET /orders/{number}: an order's card in the browser for owners and managers (workers have
the chat), read by the bot's own use cases and permission checks (core/orders, core/files,
core/client_loop), with each file behind a short-lived signed link."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin.context import WorkDep, admin_context
from bot.admin.numbers.access import signed_in_page
from bot.admin.order_page import edits
from bot.admin.order_page.view import STYLESHEET, files_section, messages_section, order_page
from bot.admin.pages import AUTH_CODES
from core.domain import Attachment
from core.errors import DomainError
from core.files.links import file_link
from core.permissions import Action, allowed, require
from core.views import OrderCard
from handlers.errors import describe
from handlers.orders.cards import order_text
from handlers.orders.history import history_text

router = APIRouter(include_in_schema=False)
CSS = (Path(__file__).parent / "order.css").read_text(encoding="utf-8")


async def found(services: edits.Services, current: edits.Page, number: int) -> OrderCard:
    """The order by its number in the signed-in member's organization only (404 otherwise);
    owners and managers only, as the board (workers have the chat)."""
    require(current.actor, Action.ORDER_VIEW_ALL)
    try:
        return await services.orders.by_number(current.actor, number)
    except DomainError as error:
        if error.code == "order_not_found":
            raise DomainError("not_found") from None
        raise


@router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})


@router.get("/orders/{number}")
async def order(request: Request, work: WorkDep, number: int, saved: int = 0) -> Response:
    services = work.services
    current = await signed_in_page(request, services)
    return await render(request, services, current, number, saved=bool(saved))


async def render(
    request: Request,
    services: edits.Services,
    current: edits.Page,
    number: int,
    message: str | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    actor, t = current.actor, current.t
    card = await found(services, current, number)
    order_id = card.order.id
    history = await services.orders.history(actor, order_id)  # owners and managers only
    files = await services.files.files(actor, order_id)
    messages = await services.client_loop.order_history(actor, order_id)
    signer, now = admin_context(request).signer, services.clock.now()
    org = card.organization

    def link(f: Attachment, variant: str) -> str:
        return file_link(lambda v: signer.mac("file", v), org.id, f.id, variant, now)

    sections = [
        await edits.section(services, current, card, message, saved),
        files_section(t, files, link),
        messages_section(t, messages, org.timezone),
    ]
    text = order_text(t.translator, card)
    owner = allowed(actor.role, Action.ORG_SETTINGS)
    shown = history_text(t.translator, history, org)
    html = order_page(t, card, text, shown, sections, owner)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


@router.post("/orders/{number}/{what}")
async def post_edit(request: Request, work: WorkDep, number: int, what: str) -> Response:
    services = work.services
    current = await signed_in_page(request, services)
    edits.csrf_checked(request, current, await request.form())
    card = await found(services, current, number)
    try:
        change = await edits.apply(services, current, card, what, await request.form())
    except DomainError as error:
        if error.code in AUTH_CODES:
            raise
        await work.discard()
        reason = describe(current.t.translator, error)
        return await render(request, services, current, number, reason, status=422)
    return await edits.told(request, work, current, change)
