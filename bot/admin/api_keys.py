"""The owner's management of the REST API's keys (docs/rest-api.md), beside the admin API's
own tokens: list, create (the secret is in this one answer only) and revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from bot.admin import models as m
from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep
from bot.admin.html import Safe, SafeText, join, tag
from bot.admin.security import RateLimited, client_key
from core.apikeys.model import KEY_NAME_MAX, ApiKey, Scope

router = APIRouter(
    prefix="/api/api-keys", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst
)
PAGE = "/settings/api-keys"  # the same on a page: bot/admin/api_keys_page.py


class ApiKeyIn(m.Strict):
    name: str = Field(min_length=1, max_length=KEY_NAME_MAX, examples=["Website sync"])
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))]


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to tell keys apart")
    scopes: list[Scope]
    created_at: datetime
    last_used_at: datetime | None


class NewApiKeyOut(ApiKeyOut):
    secret: str = Field(description="Shown once; store it now. Send as `Bearer <secret>`")


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=list(key.scopes),
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )


@router.get("", response_model=list[ApiKeyOut])
async def api_keys(services: ServicesDep, who: CallerDep) -> list[ApiKeyOut]:
    return [key_out(k) for k in await services.api_keys.keys(who.actor)]


@router.post("", response_model=NewApiKeyOut, status_code=201)
async def create_api_key(
    request: Request, services: ServicesDep, who: CallerDep, body: ApiKeyIn
) -> NewApiKeyOut:
    if not request.app.state.admin.token_limit.allow(client_key(request)):
        raise RateLimited
    issued = await services.api_keys.create(who.actor, body.name, body.scopes)
    return NewApiKeyOut(secret=issued.secret, **key_out(issued.key).model_dump())


@router.delete("/{key_id}", status_code=204)
async def revoke_api_key(services: ServicesDep, who: CallerDep, key_id: m.Id) -> None:
    await services.api_keys.revoke(who.actor, key_id)


def link_section(t: SafeText) -> Safe:
    """The settings page's pointer to this page."""
    text = t("Keys for other systems to read and change clients and orders.")
    link = tag("a", t("API keys"), href=PAGE, data_testid="api-keys-link")
    return tag("section", join([tag("h2", t("REST API")), tag("p", join([text, " ", link]))]))
