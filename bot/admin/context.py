"""What every admin route works with, kept on `app.state.admin` and read back typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from bot.admin.security import RateLimiter, Signer
from bot.app import CrmApplication
from bot.container import Container
from core.services import Services
from handlers.i18n import Translator


@dataclass
class AdminContext:
    """Everything a route needs: the process's container, its bot application (None when
    the admin app runs without one), sessions and rate limits."""

    container: Container
    telegram: CrmApplication | None
    signer: Signer
    secure_cookies: bool
    webhook_secret: str | None = None
    sign_in_limit: RateLimiter = field(default_factory=lambda: RateLimiter(10))
    token_limit: RateLimiter = field(default_factory=lambda: RateLimiter(10))
    failed_auth: RateLimiter = field(default_factory=lambda: RateLimiter(30))

    def translator(self, language: str | None) -> Translator:
        return self.container.catalogs.get(language)


def admin_context(request: Request) -> AdminContext:
    context: AdminContext = request.app.state.admin  # set by build_admin_app
    return context


def services(request: Request) -> Services:
    return admin_context(request).container.services
