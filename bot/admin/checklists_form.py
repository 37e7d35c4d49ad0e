"""The checklists page on the admin app (issue 20, item 7; docs/checklists.md): `/checklists`
shows a form per kind of work, `POST /checklists/{category_id}` replaces that kind's checklist
(the session's CSRF token like the other pages, one unit of work; a refusal is shown on the
page with nothing saved). Owners and managers (`catalogue.manage`); the JSON API is
`bot/admin/checklists.py`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.checklists_view import PATH, TYPED_MAX, checklists_page
from bot.admin.context import RequestWork, WorkDep
from bot.admin.html import Safe, notice
from bot.admin.pages import AUTH_CODES, Page, _page, _posted
from core.checklists.rules import MAX_ITEMS, parse_lines
from core.errors import DomainError
from handlers.errors import describe

router = APIRouter(include_in_schema=False)


async def _render(
    work: RequestWork, current: Page, message: Safe | None = None, status: int = 200
) -> Response:
    found = await work.services.checklists.overview(current.actor)
    org = current.actor.organization
    assert org is not None
    html = checklists_page(current.t, org.name, current.csrf, found, message)
    return HTMLResponse(html, status_code=status)


@router.get(PATH)
async def checklists(request: Request, work: WorkDep, saved: int = 0) -> Response:
    current = await _page(request, work.services)
    return await _render(work, current, notice(current.t("Saved.")) if saved else None)


@router.post(PATH + "/{category_id}")
async def save_checklist(request: Request, work: WorkDep, category_id: int) -> Response:
    if not 0 < category_id < 2**63:
        raise DomainError("not_found")
    current, submitted = await _posted(request, work.services)
    typed = submitted.get("items")
    text = typed if isinstance(typed, str) else ""
    try:
        if len(text) > TYPED_MAX:
            raise DomainError("checklist_items_range", limit=MAX_ITEMS)
        await work.services.checklists.define(current.actor, category_id, parse_lines(text))
    except DomainError as error:
        if error.code in AUTH_CODES or error.code == "not_found":
            raise
        await work.discard()
        message = notice(describe(current.t.translator, error), "error")
        return await _render(work, current, message, 422)
    return RedirectResponse(f"{PATH}?saved=1#category-{category_id}", status_code=303)
