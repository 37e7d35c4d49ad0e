"""Credentials before the body: an /api request that carries none of the right shape (no
`Authorization: Bearer …`, no session cookie our key signed) is refused 401 before its body
is read, so a stranger's malformed JSON learns nothing about the route's body (issue 25,
item 14). The full check (the token or session in the database, CSRF) stays with the route's
`caller` dependency, inside the request's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from bot.admin.context import admin_context
from bot.admin.security import cookie_session
from core.errors import DomainError


def shape_check(request: Request) -> None:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise DomainError("token_invalid")
        return
    cookie_session(request, admin_context(request).signer)


class CredentialsFirst(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            shape_check(request)
            return await handler(request)

        return checked
