"""The admin page of the organization's own bot (issue 23, item 1; docs/own-bot.md), for
owners: `/settings/ownbot` shows how to make a bot in @BotFather and the connected bot, and
its forms (CSRF-checked, post-redirect-get) connect a token, let staff use the bot or not,
and disconnect it (asked once more). They call the OwnBotService the chat's /ownbot calls, in
the request's unit of work: the service checks the role, audits, and queues the check job
(getMe, the bot's menu and descriptions, the owner told in Telegram) with the token. The
token is in the form's body only: never in a URL, a page or a log line."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import ownbot_view as view
from bot.admin.context import RequestWork, WorkDep
from bot.admin.html import Safe, notice, page
from bot.admin.pages import AUTH_CODES, Page, _page, _posted
from bot.admin.problem import STATUS
from core.errors import DomainError
from core.ownbot.service import OwnBotService
from handlers.errors import describe

router = APIRouter(include_in_schema=False)
PATH = view.PATH


async def _render(
    work: RequestWork,
    current: Page,
    top: Safe | None = None,
    status: int = 200,
    asking: bool = False,
) -> Response:
    t, own = current.t, work.services.own_bots
    bot = await own.status(current.actor)  # owners only: anyone else is refused here
    org = current.actor.organization
    zone = org.timezone if org else "UTC"
    now = work.services.clock.now()
    shown = view.status_section(t, current.csrf, bot, zone, now, asking) if bot else None
    if not own.available:
        top = notice(describe(t.translator, DomainError("ownbot_unavailable")), "error")
    body = view.body(t, current.csrf, shown, top, own.available)
    html = page(t, t("Your business's own bot"), body, org.name if org else None)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def _refused(work: RequestWork, current: Page, error: DomainError) -> Response:
    """The page again with the service's refusal; nothing the request wrote is kept."""
    if error.code in AUTH_CODES:
        raise error
    await work.discard()
    msgid = view.REFUSALS.get(error.code)
    text = current.t(msgid) if msgid else describe(current.t.translator, error)
    return await _render(work, current, notice(text, "error"), STATUS.get(error.code, 422))


def _own(work: RequestWork) -> OwnBotService:
    return work.services.own_bots


@router.get(PATH)
async def ownbot_page(request: Request, work: WorkDep, done: str = "") -> Response:
    current = await _page(request, work.services)
    msgid = view.DONE.get(done)
    return await _render(work, current, notice(current.t(msgid)) if msgid else None)


@router.post(PATH)
async def connect(request: Request, work: WorkDep) -> Response:
    current, submitted = await _posted(request, work.services)
    token = submitted.get("token")
    try:
        await _own(work).connect(current.actor, token if isinstance(token, str) else "")
    except DomainError as error:
        return await _refused(work, current, error)
    return RedirectResponse(f"{PATH}?done=checking", status_code=303)


@router.post(PATH + "/staff")
async def staff(request: Request, work: WorkDep) -> Response:
    current, submitted = await _posted(request, work.services)
    try:
        await _own(work).set_staff(current.actor, submitted.get("on") == "1")
    except DomainError as error:
        return await _refused(work, current, error)
    return RedirectResponse(f"{PATH}?done=saved", status_code=303)


@router.post(PATH + "/disconnect")
async def disconnect(request: Request, work: WorkDep) -> Response:
    """Without `sure`: the page asks once more (nothing changes); with it: disconnected."""
    current, submitted = await _posted(request, work.services)
    try:
        if submitted.get("sure") != "1":
            if await _own(work).status(current.actor) is None:
                raise DomainError("ownbot_none")
            return await _render(work, current, asking=True)
        await _own(work).disconnect(current.actor)
    except DomainError as error:
        return await _refused(work, current, error)
    return RedirectResponse(f"{PATH}?done=gone", status_code=303)
