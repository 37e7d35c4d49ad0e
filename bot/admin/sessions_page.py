"""The Sessions page (issue 25, item 12), for owners and managers alike: the signed-in
person's open web sessions in every organization (browser and system from the User-Agent,
address, first and last seen, in the organization's time zone), this browser's marked, with
"Sign out" on each and "Sign out everywhere". Forms carry the session's CSRF token; the use
cases check that a session is the person's own and audit (core/admin/sessions.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.context import WorkDep
from bot.admin.html import Safe, SafeText, button, form, join, notice, page, tag
from bot.admin.pages import Page, _page, _posted
from bot.admin.security import COOKIE
from core.admin.model import SessionLine
from core.admin.user_agent import parse
from core.permissions import Action, allowed
from handlers.admin_sessions import browser_and_system
from handlers.formatting import when

PATH = "/sessions"
SessionId = Annotated[int, Path(ge=1, le=2**62)]
router = APIRouter(include_in_schema=False)


def _moment(t: SafeText, at: datetime | None, zone: str) -> str:
    return when(t.translator, at, zone) if at is not None else "—"


def _row(t: SafeText, csrf: str, line: SessionLine, zone: str) -> Safe:
    session = line.session
    agent = browser_and_system(t.translator, parse(session.user_agent))
    what = join([agent, " ", tag("b", t("(this browser)"))]) if line.current else agent
    end = form(
        f"{PATH}/{session.id}/revoke",
        csrf,
        button(t("Sign out"), f"sign-out-{session.id}", "secondary"),
    )
    cells = (
        what,
        session.ip or "—",
        line.organization,
        _moment(t, session.created_at, zone),
        _moment(t, session.last_seen_at or session.created_at, zone),
        end,
    )
    testid = f"session-{session.id}"
    return tag("tr", join(tag("td", cell) for cell in cells), data_testid=testid)


def _body(t: SafeText, csrf: str, lines: list[SessionLine], zone: str, top: Safe | None) -> Safe:
    titles = (
        t("Browser"),
        t("IP address"),
        t("Organization"),
        t("First seen"),
        t("Last seen"),
        "",
    )
    head = tag("tr", join(tag("th", x) for x in titles))
    table = tag("table", join([head, *(_row(t, csrf, line, zone) for line in lines)]))
    hint = t(
        "Every browser signed in to these pages with your /admin links. Sign out of one you "
        "do not recognise, or of all of them at once; a new link from the bot opens a new one."
    )
    everywhere = form(
        f"{PATH}/revoke-all",
        csrf,
        button(t("Sign out everywhere"), "sign-out-everywhere"),
    )
    return join([top or "", tag("p", hint, class_="muted"), table, everywhere])


async def _render(work: WorkDep, current: Page, top: Safe | None = None) -> Response:
    lines = await work.services.admin.sessions.listing(current.actor, current.session)
    org = current.actor.organization
    zone = org.timezone if org is not None else "UTC"
    body = _body(current.t, current.csrf, lines, zone, top)
    owner = allowed(current.actor.role, Action.ORG_SETTINGS)
    html = page(current.t, current.t("Sessions"), body, org.name if org else None, owner)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _signed_out(current: Page, text: str) -> Response:
    body = join([notice(text), tag("p", current.t("Send /admin to the bot to sign in again."))])
    response = HTMLResponse(page(current.t, current.t("Signed out"), body))
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get(PATH)
async def sessions_page(request: Request, work: WorkDep, ended: int = 0) -> Response:
    current = await _page(request, work.services)
    top = notice(current.t("The session is signed out.")) if ended else None
    return await _render(work, current, top)


@router.post(PATH + "/{session_id}/revoke")
async def revoke_session(request: Request, work: WorkDep, session_id: SessionId) -> Response:
    current, _ = await _posted(request, work.services)
    mine = await work.services.admin.sessions.revoke(current.actor, session_id, current.session)
    if mine:
        return _signed_out(current, current.t("This browser is signed out."))
    return RedirectResponse(f"{PATH}?ended=1", status_code=303)


@router.post(PATH + "/revoke-all")
async def revoke_all(request: Request, work: WorkDep) -> Response:
    current, _ = await _posted(request, work.services)
    ended = await work.services.admin.sessions.revoke_all(current.actor, "web")
    text = current.t.n(
        "Signed out everywhere: {count} session ended.",
        "Signed out everywhere: {count} sessions ended.",
        ended,
    )
    return _signed_out(current, text)
