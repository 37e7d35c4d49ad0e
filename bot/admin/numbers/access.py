"""Who is looking at a board page (Numbers, the map, an order): the signed-in member of the
admin session (the bot's one-time /admin link), with the board right (owners and managers;
workers have the chat), in their language, with their session's CSRF token. Each page's use
case checks its own right too (core/permissions.py), as in the chat."""

from __future__ import annotations

from fastapi import Request

from bot.admin.board.session import session_token
from bot.admin.context import admin_context
from bot.admin.html import SafeText
from bot.admin.pages import Page
from bot.admin.security import client_key
from core.permissions import Action, require
from core.services import Services


async def signed_in_page(request: Request, services: Services) -> Page:
    context = admin_context(request)
    token = session_token(request)
    actor = await services.admin.session_actor(token, client_key(request))
    require(actor, Action.BOARD_VIEW)
    language = actor.user.preferred_language(context.container.catalogs.default)
    return Page(actor, token, SafeText(context.translator(language)), context.signer.csrf(token))
