"""The one ASGI app of the admin endpoint: the JSON API under /api (OpenAPI at /docs), the
settings and billing pages, the T-Bank notification route, the Telegram webhook (when the bot
runs in webhook mode), /health and /ready."""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI

from bot.admin import (
    api,
    api_keys,
    api_keys_page,
    billing_pages,
    catalogue,
    checklists,
    checklists_form,
    client_acceptance,
    client_approval,
    client_invoice,
    client_page,
    client_payments,
    client_photo,
    client_templates,
    data_rights,
    factor_pages,
    factor_passkeys,
    hooks,
    intake_api,
    intake_page,
    invoice_details,
    ownbot_page,
    pages,
    problem_handlers,
    quote_page,
    recurring,
    sessions_page,
    sign_in,
    sms_callbacks,
    unsubscribe,
    webhooks_page,
    working_hours,
)
from bot.admin.board import live as board_live
from bot.admin.board import routes as board_routes
from bot.admin.body_limit import BodyLimit
from bot.admin.context import AdminContext
from bot.admin.day_map import routes as day_map
from bot.admin.headers import SecurityHeaders, docs_router
from bot.admin.numbers import routes as numbers
from bot.admin.order_page import files as order_files
from bot.admin.order_page import routes as order_page
from bot.admin.problem import document
from bot.admin.security import RateLimited, SessionForged, Signer
from bot.admin.v1 import install as install_api_v1
from bot.app import CrmApplication
from bot.client_ip import parse_networks
from bot.container import Container
from bot.pbx import pbx_routes

log = logging.getLogger(__name__)


def session_secret(container: Container) -> str:
    key = container.settings.secret_key
    if key is not None:
        return key.get_secret_value()
    log.warning("SECRET_KEY is not set: sessions end when the process restarts")
    return secrets.token_urlsafe(32)


def build_admin_app(
    container: Container,
    telegram_app: CrmApplication | None = None,
    webhook_secret: str | None = None,
) -> FastAPI:
    """The webhook route exists only with a bot and a secret (WEBHOOK_SECRET by default)."""
    app = FastAPI(
        title="AstraCRM admin API",
        version="1",
        description="Organization settings and billing. Authenticate with an API token "
        "(`Authorization: Bearer ak_...`) created on the settings page.",
        docs_url=None,  # bot.admin.headers serves /docs without inline scripts
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    public = container.services.admin.public_url
    secret = webhook_secret
    if secret is None and container.settings.webhook_secret is not None:
        secret = container.settings.webhook_secret.get_secret_value()
    app.state.admin = AdminContext(
        container,
        telegram_app,
        Signer(session_secret(container)),
        public.startswith("https"),
        secret,
    )
    app.state.trusted_proxies = parse_networks(container.settings.trusted_proxies)
    app.include_router(api.router)
    app.include_router(api_keys.router)
    app.include_router(api_keys_page.router)
    app.include_router(data_rights.router)
    app.include_router(pages.router)
    app.include_router(billing_pages.router)
    app.include_router(sign_in.router)
    app.include_router(sessions_page.router)
    app.include_router(factor_pages.router)
    app.include_router(factor_passkeys.router)
    app.include_router(numbers.router)
    app.include_router(day_map.router)
    app.include_router(order_page.router)
    app.include_router(order_files.router)
    app.include_router(intake_page.router)
    app.include_router(intake_api.router)
    app.include_router(webhooks_page.router)
    app.include_router(ownbot_page.router)
    app.include_router(client_templates.router)
    app.include_router(checklists.router)
    app.include_router(checklists_form.router)
    app.include_router(client_acceptance.router)  # before /c/{token}: /sign.js
    app.include_router(client_page.router)
    app.include_router(client_approval.router)
    app.include_router(quote_page.router)
    app.include_router(catalogue.router)
    app.include_router(catalogue.api)
    app.include_router(client_photo.router)
    app.include_router(client_invoice.router)
    app.include_router(working_hours.router)
    app.include_router(recurring.router)
    app.include_router(invoice_details.router)
    app.include_router(hooks.router)
    app.include_router(client_payments.router)
    app.include_router(unsubscribe.router)
    app.include_router(sms_callbacks.router)
    app.include_router(docs_router)
    app.include_router(board_routes.router)
    app.include_router(board_live.router)
    if telegram_app is not None and secret is not None:
        app.include_router(hooks.webhook_router)
    for route in pbx_routes(container, container.jobs_added.fire):
        app.router.routes.append(route)
    install_api_v1(app)  # /api/v1 for integrations
    problem_handlers.install(app)  # every JSON error a problem, 405 with the whole Allow
    # too many sign-in attempts and a forged cookie: counted and audited; pages or problems
    app.add_exception_handler(RateLimited, sign_in.too_many)  # type: ignore[arg-type]
    app.add_exception_handler(SessionForged, sign_in.forged_cookie)  # type: ignore[arg-type]
    document(app)  # the problem component on every error of the OpenAPI document
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, https=public.startswith("https"))
    return app
