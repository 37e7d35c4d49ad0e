"""The admin page of the REST API's keys (docs/rest-api.md), for owners: `/settings/api-keys`
lists the keys (name, first characters, scopes, last use) with Revoke, and makes a new one
from a name and ticked scopes, its secret shown in that answer only. Forms carry the session's
CSRF token; the service checks the role and audits (core/apikeys/service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.api_keys import PAGE as PATH
from bot.admin.context import WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, SafeText, button, checkbox, field, form, join, notice, page, tag
from bot.admin.pages import Page, _page, _posted
from bot.admin.security import RateLimited, client_key
from core.apikeys.model import KEY_NAME_MAX, ApiKey, Scope
from core.errors import DomainError
from core.services import Services
from handlers.errors import describe

router = APIRouter(include_in_schema=False)


def _used(key: ApiKey) -> str:
    return key.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if key.last_used_at else "—"


def _row(t: SafeText, csrf: str, key: ApiKey) -> Safe:
    revoke = form(
        f"{PATH}/{key.id}/revoke", csrf, button(t("Revoke"), f"revoke-{key.id}", "secondary")
    )
    cells = (key.name, key.prefix + "…", ", ".join(key.scopes), _used(key), revoke)
    return tag("tr", join(tag("td", cell) for cell in cells))


def _body(t: SafeText, csrf: str, keys: list[ApiKey], top: Safe | None) -> Safe:
    titles = (t("Name"), t("Key"), t("Scopes"), t("Last used"), "")
    head = tag("tr", join(tag("th", x) for x in titles))
    rows = [_row(t, csrf, key) for key in keys]
    create = form(
        PATH,
        csrf,
        field(t("Name of the new key"), "name", "", required=True, maxlength=KEY_NAME_MAX),
        *(checkbox(scope.value, f"scope:{scope.value}", False) for scope in Scope),
        button(t("Create a key"), "create-api-key"),
        testid="api-key-form",
    )
    table = tag("table", join([head, *rows])) if keys else tag("p", t("No keys yet."))
    return join([top or "", table, create])


async def _render(
    services: Services, current: Page, top: Safe | None = None, status: int = 200
) -> Response:
    keys = await services.api_keys.keys(current.actor)
    org = current.actor.organization
    body = _body(current.t, current.csrf, keys, top)
    html = page(current.t, current.t("API keys"), body, org.name if org else None)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@router.get(PATH)
async def api_keys_page(request: Request, work: WorkDep) -> Response:
    return await _render(work.services, await _page(request, work.services))


@router.post(PATH)
async def create_api_key(request: Request, work: WorkDep) -> Response:
    """The secret is in this answer only, never in a URL or a later page."""
    current, submitted = await _posted(request, work.services)
    if not _context(request).token_limit.allow(client_key(request)):
        raise RateLimited
    name = submitted.get("name")
    scopes = [s.value for s in Scope if submitted.get(f"scope:{s.value}")]
    try:
        issued = await work.services.api_keys.create(
            current.actor, name if isinstance(name, str) else "", scopes
        )
    except DomainError as error:
        await work.discard()
        refusal = notice(describe(current.t.translator, error), "error")
        return await _render(work.services, current, refusal, 422)
    text = current.t("Your new API key. It is shown only now; store it safely:")
    shown = join([notice(text), tag("p", issued.secret, class_="notice token",
                                    data_testid="new-api-key")])  # fmt: skip
    return await _render(work.services, current, shown)


@router.post(PATH + "/{key_id}/revoke")
async def revoke_api_key(request: Request, work: WorkDep, key_id: int) -> Response:
    current, _ = await _posted(request, work.services)
    await work.services.api_keys.revoke(current.actor, key_id)
    return RedirectResponse(PATH, status_code=303)
