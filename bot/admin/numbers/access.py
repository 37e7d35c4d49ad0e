"""Who is looking at a board page: the signed-in member of the admin session (the bot's
one-time /admin link), in their language, with the CSRF token of their session. Role checks
are the use cases' own (core/permissions.py), as in the chat."""

from __future__ import annotations

from fastapi import Request

from bot.admin.context import admin_context
from bot.admin.html import SafeText
from bot.admin.pages import Page
from bot.admin.security import COOKIE
from core.errors import DomainError
from core.services import Services


async def signed_in_page(request: Request, services: Services) -> Page:
    context = admin_context(request)
    token = context.signer.unsign(request.cookies.get(COOKIE, ""))
    if token is None:
        raise DomainError("session_invalid")
    actor = await services.admin.session_actor(token)
    language = actor.user.preferred_language(context.container.catalogs.default)
    return Page(actor, token, SafeText(context.translator(language)), context.signer.csrf(token))
