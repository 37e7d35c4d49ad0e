"""The admin page of outgoing webhooks (issue 21, item 7; docs/webhooks.md), for owners:
`/settings/webhooks` lists the subscriptions with their last deliveries, and its forms
(CSRF-checked) add one (the secret shown once, in the answer), switch one on or off, remove
one, and send a delivery again. The service is bot/webhooks.py's, the one the REST API's
`webhooks:write` scope calls too (bot/admin/v1/webhooks.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import webhooks_view as view
from bot.admin.context import RequestWork, WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, notice, page
from bot.admin.pages import Page, _page, _posted
from bot.webhooks import webhook_service
from core.errors import DomainError
from core.permissions import Action as Permission
from core.permissions import allowed
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.webhooks.service import WebhookService

router = APIRouter(include_in_schema=False)
PATH = view.PATH


def _service(request: Request, work: RequestWork) -> WebhookService:
    """The service in the request's unit of work (bot.admin.context)."""
    return webhook_service(_context(request).container, work.work.uow.session)


async def _audit(work: RequestWork, current: Page, change: str, sub_id: int) -> None:
    """An audit entry in the request's transaction (the URL left out: it may hold a token)."""
    now = work.services.clock.now()
    await record(
        work.work.uow, current.actor, AuditAction.SETTING_CHANGED, now, None,
        name="webhooks", change=change, subscription=sub_id,
    )  # fmt: skip


def _owner(current: Page) -> int:
    org = current.actor.organization
    if org is None or not allowed(current.actor.role, Permission.ORG_SETTINGS):
        raise DomainError("forbidden")
    return org.id


async def _render(
    service: WebhookService, current: Page, top: Safe | None = None, status: int = 200
) -> Response:
    org_id, t = _owner(current), current.t
    if not service.available:
        top = notice(t("Webhooks need ENCRYPTION_KEY to be set."), "error")
    shown = [
        view.subscription_section(t, current.csrf, sub, await service.deliveries(org_id, sub.id))
        for sub in await service.subscriptions(org_id)
    ]
    org = current.actor.organization
    html = page(
        t, t("Webhooks"), view.body(t, current.csrf, shown, top), org.name if org else None
    )
    return HTMLResponse(html, status_code=status)


@router.get(PATH)
async def webhooks_page(request: Request, work: WorkDep, done: int = 0) -> Response:
    current = await _page(request, work.services)
    top = notice(current.t("Saved.")) if done else None
    return await _render(_service(request, work), current, top)


@router.post(PATH)
async def add_webhook(request: Request, work: WorkDep) -> Response:
    current, submitted = await _posted(request, work.services)
    service = _service(request, work)
    org_id = _owner(current)
    url = submitted.get("url")
    events = [e for e in submitted.getlist("events") if isinstance(e, str)]
    try:
        made = await service.subscribe(org_id, url if isinstance(url, str) else "", events)
    except ValueError:
        refusal = current.t("Use an https address and choose at least one event.")
        return await _render(service, current, notice(refusal, "error"), 422)
    await _audit(work, current, "added", made.subscription.id)
    return await _render(service, current, view.secret_notice(current.t, made.secret))


async def _change(request: Request, work: WorkDep, sub_id: int, what: str) -> Response:
    current, _ = await _posted(request, work.services)
    service = _service(request, work)
    org_id = _owner(current)
    if what == "remove":
        found = await service.remove(org_id, sub_id)
    else:
        found = await service.set_active(org_id, sub_id, what == "on")
    if not found:
        raise DomainError("not_found")
    await _audit(work, current, what, sub_id)
    return RedirectResponse(f"{PATH}?done=1", status_code=303)


@router.post(PATH + "/{sub_id}/on")
async def switch_on(request: Request, work: WorkDep, sub_id: int) -> Response:
    return await _change(request, work, sub_id, "on")


@router.post(PATH + "/{sub_id}/off")
async def switch_off(request: Request, work: WorkDep, sub_id: int) -> Response:
    return await _change(request, work, sub_id, "off")


@router.post(PATH + "/{sub_id}/remove")
async def remove(request: Request, work: WorkDep, sub_id: int) -> Response:
    return await _change(request, work, sub_id, "remove")


@router.post(PATH + "/deliveries/{delivery_id}/redeliver")
async def redeliver(request: Request, work: WorkDep, delivery_id: int) -> Response:
    current, _ = await _posted(request, work.services)
    service = _service(request, work)
    if not await service.redeliver(_owner(current), delivery_id):
        raise DomainError("not_found")
    return RedirectResponse(f"{PATH}?done=1", status_code=303)
