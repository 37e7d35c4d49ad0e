"""The browser side: the settings page and its forms (CSRF-checked, post-redirect-get), in
the signed-in owner's language, and signing out. The billing page is bot/admin/billing_pages.py;
signing in from the bot's link bot/admin/sign_in.py; the Sessions page
bot/admin/sessions_page.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from bot.admin import (
    ai_form,
    api_keys,
    client_payments,
    intake_form,
    ownbot_view,
    policy_banner,
    recurring_form,
    views,
    webhooks_view,
)
from bot.admin import client_channels as channels
from bot.admin import invoice_details_form as invoice_form
from bot.admin import working_hours_form as hours_form
from bot.admin.client_templates_view import link_section
from bot.admin.context import RequestWork, WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.factor_pages import posted as factor_posted
from bot.admin.html import Safe, SafeText, join, notice, page, tag
from bot.admin.policy_banner import banner
from bot.admin.security import COOKIE, CSRF_FIELD, RateLimited, client_key, cookie_session
from core.admin.model import OBSOLETE_CREDENTIALS
from core.domain import Actor
from core.errors import DomainError
from core.notifications.rules import MAX_REMINDER_MINUTES
from core.permissions import Action as Permission
from core.permissions import allowed
from core.services import Services
from handlers.errors import describe
from handlers.i18n import Translator

router = APIRouter(include_in_schema=False)
AUTH_CODES = frozenset({"session_invalid", "csrf_invalid", "access_revoked", "forbidden"})


@dataclass(frozen=True, slots=True)
class Page:
    actor: Actor
    session: str
    t: SafeText
    csrf: str


async def _page(request: Request, services: Services) -> Page:
    context = _context(request)
    token = cookie_session(request, context.signer)
    actor = await services.admin.session_actor(token, client_key(request))
    language = actor.user.preferred_language(context.container.catalogs.default)
    return Page(actor, token, SafeText(context.translator(language)), context.signer.csrf(token))


async def _posted(request: Request, services: Services) -> tuple[Page, FormData]:
    current = await _page(request, services)
    submitted = await request.form()
    given = submitted.get(CSRF_FIELD)
    if not _context(request).signer.csrf_ok(
        current.session, given if isinstance(given, str) else None
    ):
        raise DomainError("csrf_invalid")
    return current, submitted


def error_page(request: Request, translator: Translator, message: str, status: int) -> Response:
    t = SafeText(translator)
    hint = tag("p", t("Send /admin to the bot for a new sign-in link."))
    body = join([notice(message, "error"), hint])
    return HTMLResponse(page(t, "AstraCRM", body), status_code=status)


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/settings", status_code=303)


@router.post("/signout")
async def sign_out(request: Request, work: WorkDep) -> Response:
    """Any session signs out, also one still waiting for its second factor (someone who
    opened a link and cannot or will not confirm it)."""
    current, _ = await factor_posted(request, work.services)
    await work.services.admin.sign_out(current.token)
    response = HTMLResponse(page(current.t, current.t("Signed out"), join([])))
    response.delete_cookie(COOKIE, path="/")
    return response


async def _settings(
    services: Services, current: Page, message: Safe | None = None, status: int = 200
) -> Response:
    view = await services.org_settings.view(current.actor)
    tokens = await services.admin.tokens(current.actor)
    html = views.settings_page(current.t, view, current.csrf, tokens, message)
    if allowed(current.actor.role, Permission.ORG_SETTINGS):
        credentials = services.org_settings.credential_in
        sms, smtp = await services.client_loop.channel_settings(current.actor, credentials)
        html = channels.with_section(html, channels.section(current.t, current.csrf, sms, smtp))
        terminal = await services.client_payments.terminal(current.actor)
        org = current.actor.organization
        url = services.client_payments.notification_url(org.id if org else 0)
        old = [c for c in view.credentials if c.name in OBSOLETE_CREDENTIALS]
        tbank = client_payments.section(current.t, current.csrf, terminal, url, old)
        html = channels.with_section(html, tbank)
        hours = await services.client_answers.working_hours(current.actor)
        html = channels.with_section(html, hours_form.section(current.t, current.csrf, hours))
        days = await services.series.horizon(current.actor)
        html = channels.with_section(html, recurring_form.section(current.t, current.csrf, days))
        html = channels.with_section(
            html, ai_form.section(current.t, current.csrf, view.organization)
        )
        details = await services.invoices.requisites(current.actor)
        html = channels.with_section(html, invoice_form.section(current.t, current.csrf, details))
        html = channels.with_section(html, await intake_form.shown(services, current))
        html = channels.with_section(html, ownbot_view.link_section(current.t))
        html = channels.with_section(html, webhooks_view.link_section(current.t))
        html = channels.with_section(html, api_keys.link_section(current.t))
    if allowed(current.actor.role, Permission.CLIENT_EDIT):
        html = channels.with_section(html, link_section(current.t))
    html = policy_banner.with_banner(html, banner(current.t, await services.policy.status()))
    return HTMLResponse(html, status_code=status)


@router.get("/settings")
async def settings_page(request: Request, work: WorkDep, saved: int = 0) -> Response:
    current = await _page(request, work.services)
    message = notice(current.t("Saved.")) if saved else None
    return await _settings(work.services, current, message)


Action = Callable[[Services, Actor, FormData], Awaitable[None]]


async def _apply(request: Request, work: RequestWork, action: Action) -> Response:
    """Run one settings change; a refusal re-renders the page with the reason, and nothing
    the change wrote before it was refused is kept."""
    current, submitted = await _posted(request, work.services)
    try:
        await action(work.services, current.actor, submitted)
    except DomainError as error:
        if error.code in AUTH_CODES:
            raise
        await work.discard()
        message = notice(describe(current.t.translator, error), "error")
        return await _settings(work.services, current, message, 422)
    return RedirectResponse("/settings?saved=1", status_code=303)


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


def _number(submitted: FormData, name: str, code: str, **params: Any) -> int:
    value = _text(submitted, name).strip()
    if not value.isdigit() or len(value) > 6:
        raise DomainError(code, **params)
    return int(value)


async def _profile(services: Services, actor: Actor, submitted: FormData) -> None:
    await services.org_settings.update_profile(
        actor,
        name=_text(submitted, "name"),
        timezone=_text(submitted, "timezone"),
        currency=_text(submitted, "currency"),
        language=_text(submitted, "language"),
    )


async def _categories(services: Services, actor: Actor, submitted: FormData) -> None:
    await services.org_settings.set_categories(actor, _text(submitted, "categories").splitlines())


async def _preferences(services: Services, actor: Actor, submitted: FormData) -> None:
    photos = _number(submitted, "photos_required", "photos_rule_range", limit=20)
    minutes = _number(submitted, "reminder_minutes", "reminder_range", limit=MAX_REMINDER_MINUTES)
    flags = {
        key: submitted.get(key) == "1"
        for key in ("notify_new_orders", "notify_done", "notify_payments")
    }
    await services.org_settings.set_preferences(
        actor, digest_time=_text(submitted, "digest_time"), reminder_minutes=minutes, **flags
    )
    await services.team.set_photos_required(actor, photos)


async def _credential(services: Services, actor: Actor, submitted: FormData) -> None:
    name, value = _text(submitted, "name"), _text(submitted, "value")
    if value.strip():
        await services.org_settings.set_credential(actor, name, value)
    else:
        await services.org_settings.clear_credential(actor, name)


@router.post("/settings/profile")
async def post_profile(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, _profile)


@router.post("/settings/categories")
async def post_categories(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, _categories)


@router.post("/settings/preferences")
async def post_preferences(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, _preferences)


@router.post("/settings/credentials")
async def post_credential(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, _credential)


@router.post(hours_form.PATH)
async def post_working_hours(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, hours_form.save)


@router.post(ai_form.PATH)
async def post_ai(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, ai_form.save)


@router.post(recurring_form.PATH)
async def post_recurring_days(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, recurring_form.save)


@router.post(invoice_form.PATH)
async def post_invoice_details(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, invoice_form.save)


@router.post("/settings/client-sms")
async def post_client_sms(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, channels.save_sms)


@router.post("/settings/client-smtp")
async def post_client_smtp(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, channels.save_smtp)


@router.post("/settings/client-tbank")
async def post_client_tbank(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, client_payments.save_terminal)


@router.post("/settings/client-tbank/old")
async def post_forget_old_tbank(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, client_payments.forget_old_keys)


@router.post("/settings/tokens")
async def post_token(request: Request, work: WorkDep) -> Response:
    """The new token is shown on this response only, never in a URL or a later page."""
    services = work.services
    current, submitted = await _posted(request, services)
    if not _context(request).token_limit.allow(client_key(request)):
        raise RateLimited
    try:
        issued = await services.admin.create_token(current.actor, _text(submitted, "name"))
    except DomainError as error:
        await work.discard()
        message = notice(describe(current.t.translator, error), "error")
        return await _settings(services, current, message, 422)
    response = await _settings(services, current, views.token_notice(current.t, issued.token))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/settings/tokens/{token_id}/revoke")
async def post_revoke(request: Request, work: WorkDep, token_id: int) -> Response:
    async def revoke(services: Services, actor: Actor, _form: FormData) -> None:
        await services.admin.revoke_token(actor, token_id)

    return await _apply(request, work, revoke)
