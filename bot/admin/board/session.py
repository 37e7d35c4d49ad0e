"""Who is looking at the board: the signed session cookie (from the /admin link), checked for
the board right on every request and every WebSocket; changes carry the session's CSRF token
in a header. Workers (and anyone without the right) are refused."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.requests import HTTPConnection

from bot.admin.context import admin_context
from bot.admin.security import CSRF_HEADER, SAFE_METHODS, client_key, cookie_session
from core.domain import Actor
from core.errors import DomainError
from core.permissions import Action, require
from core.services import Services


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in manager or owner, the language of their pages and their CSRF token."""

    actor: Actor
    session: str
    language: str
    csrf: str

    @property
    def org_id(self) -> int:
        assert self.actor.organization is not None
        return self.actor.organization.id


def session_token(connection: HTTPConnection) -> str:
    return cookie_session(connection, admin_context(connection).signer)


async def viewer(connection: HTTPConnection, services: Services) -> Viewer:
    """The board's caller; an unsafe HTTP method must bring the CSRF token in a header."""
    context = admin_context(connection)
    token = session_token(connection)
    actor = await services.admin.session_actor(token, client_key(connection))
    require(actor, Action.BOARD_VIEW)
    unsafe = isinstance(connection, Request) and connection.method not in SAFE_METHODS
    if unsafe and not context.signer.csrf_ok(token, connection.headers.get(CSRF_HEADER)):
        raise DomainError("csrf_invalid")
    language = actor.user.preferred_language(context.container.catalogs.default)
    connection.scope.setdefault("state", {})["language"] = language  # for its problems
    return Viewer(actor, token, language, context.signer.csrf(token))


def same_origin(connection: HTTPConnection) -> bool:
    """A WebSocket's Origin must be this site (browsers send cookies to cross-site sockets:
    without this check another site could open the board's feed)."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # not a browser
    host = connection.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host
