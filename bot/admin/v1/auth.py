"""Who calls /api/v1: `Authorization: Bearer <key>` checked in the request's unit of work,
a per-key rate limit, and the scope each route needs. A key is never logged: it is read
here, hashed by the service, and dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.admin.context import WorkDep, admin_context
from bot.admin.limits import Window, retry_after
from bot.admin.security import RateLimited, client_key
from bot.admin.v1.problems import Problem
from core.apikeys.model import Scope
from core.apikeys.service import KeyCaller
from core.errors import DomainError
from handlers.i18n import N_

PER_KEY_PER_MINUTE = 120

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key made by the organization's owner (/apikeys): `crm_...`",
)


@dataclass
class KeyLimits:
    """Requests per key per minute, shared by the deployment's processes through Redis
    when it is configured (bot/admin/limits.py); kept on `app.state.api_v1`."""

    per_key: Window


def limits(request: Request) -> KeyLimits:
    found: KeyLimits | None = getattr(request.app.state, "api_v1", None)
    if found is None:
        shared = admin_context(request).limits.get("api:key", PER_KEY_PER_MINUTE, 60.0)
        found = request.app.state.api_v1 = KeyLimits(shared)
    return found


async def key_caller(
    request: Request,
    work: WorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> KeyCaller:
    if credentials is None:
        raise Problem(401, "api_key_missing", N_("Send the key as Authorization: Bearer <key>."))
    try:
        caller = await work.services.api_keys.caller(credentials.credentials.strip())
    except DomainError:
        if not admin_context(request).failed_auth.allow(client_key(request)):
            raise RateLimited from None
        raise
    wait = await limits(request).per_key.take(str(caller.key.id))
    if wait is not None:
        raise RateLimited(retry_after(wait))
    return caller


def via(who: KeyCaller) -> str:
    """What a history event keeps of a change made with a key (`via`)."""
    return f"api key {who.key.name}"


def scoped(scope: Scope) -> Any:
    """A dependency: the caller, refused with 403 unless the key has `scope`."""

    async def check(caller: Annotated[KeyCaller, Depends(key_caller)]) -> KeyCaller:
        caller.require(scope)
        return caller

    return Depends(check)


ClientsRead = Annotated[KeyCaller, scoped(Scope.CLIENTS_READ)]
ClientsWrite = Annotated[KeyCaller, scoped(Scope.CLIENTS_WRITE)]
OrdersRead = Annotated[KeyCaller, scoped(Scope.ORDERS_READ)]
OrdersWrite = Annotated[KeyCaller, scoped(Scope.ORDERS_WRITE)]
PaymentsRead = Annotated[KeyCaller, scoped(Scope.PAYMENTS_READ)]
WebhooksWrite = Annotated[KeyCaller, scoped(Scope.WEBHOOKS_WRITE)]
