"""The JSON API under /api: the same core services the bot and the pages call, so every
request is scoped to the caller's organization and checked against their role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from bot.admin import models as m
from bot.admin.context import admin_context
from bot.admin.context import services as _services
from bot.admin.security import Caller, RateLimited, authenticate, client_key
from core.domain import Actor

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": m.ErrorOut, "description": text}
    for code, text in (
        (401, "Not signed in, or the token is not valid"),
        (403, "The role does not allow this"),
        (422, "The request is not valid"),
        (429, "Too many attempts"),
    )
}
router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"])


async def caller(request: Request) -> Caller:
    context = admin_context(request)
    services = context.container.services
    return await authenticate(request, services.admin, context.signer, context.failed_auth)


CallerDep = Annotated[Caller, Depends(caller)]


@router.get("/me", response_model=m.MeOut)
async def me(request: Request, who: CallerDep) -> m.MeOut:
    actor: Actor = who.actor
    assert actor.organization is not None and actor.role is not None
    return m.MeOut(
        user_id=actor.user.id,
        name=actor.user.display_name,
        organization_id=actor.organization.id,
        organization=actor.organization.name,
        role=actor.role.value,
    )


@router.get("/settings", response_model=m.SettingsOut)
async def get_settings(request: Request, who: CallerDep) -> m.SettingsOut:
    view = await _services(request).org_settings.view(who.actor)
    return m.settings_out(view)


@router.patch("/settings/profile", response_model=m.SettingsOut)
async def patch_profile(request: Request, who: CallerDep, body: m.ProfileIn) -> m.SettingsOut:
    services = _services(request)
    await services.org_settings.update_profile(who.actor, **body.model_dump(exclude_none=True))
    return m.settings_out(await services.org_settings.view(who.actor))


@router.put("/settings/categories", response_model=m.SettingsOut)
async def put_categories(request: Request, who: CallerDep, body: m.CategoriesIn) -> m.SettingsOut:
    services = _services(request)
    await services.org_settings.set_categories(who.actor, body.names)
    return m.settings_out(await services.org_settings.view(who.actor))


@router.patch("/settings/preferences", response_model=m.SettingsOut)
async def patch_preferences(
    request: Request, who: CallerDep, body: m.PreferencesIn
) -> m.SettingsOut:
    services = _services(request)
    values = body.model_dump(exclude_none=True)
    photos = values.pop("photos_required", None)
    if photos is not None:
        await services.team.set_photos_required(who.actor, photos)
    await services.org_settings.set_preferences(who.actor, **values)
    return m.settings_out(await services.org_settings.view(who.actor))


@router.put("/settings/credentials/{name}", response_model=m.CredentialOut)
async def put_credential(
    request: Request, who: CallerDep, name: m.CredentialName, body: m.CredentialIn
) -> m.CredentialOut:
    view = await _services(request).org_settings.set_credential(who.actor, name, body.value)
    return m.CredentialOut(name=view.name, masked=view.masked, readable=view.readable)


@router.delete("/settings/credentials/{name}", status_code=204)
async def delete_credential(request: Request, who: CallerDep, name: m.CredentialName) -> None:
    await _services(request).org_settings.clear_credential(who.actor, name)


@router.get("/billing", response_model=m.BillingOut)
async def billing(request: Request, who: CallerDep) -> m.BillingOut:
    return m.billing_out(await _services(request).billing.overview(who.actor))


@router.post("/billing/checkout", response_model=m.CheckoutOut, responses={402: {}, 502: {}})
async def checkout(request: Request, who: CallerDep, body: m.CheckoutIn) -> m.CheckoutOut:
    done = await _services(request).billing.checkout(who.actor, body.plan, body.months, body.email)
    return m.CheckoutOut(order_id=done.order_id, payment_url=done.payment_url, amount=done.amount)


@router.get("/tokens", response_model=list[m.TokenOut])
async def tokens(request: Request, who: CallerDep) -> list[m.TokenOut]:
    return [m.token_out(t) for t in await _services(request).admin.tokens(who.actor)]


@router.post("/tokens", response_model=m.NewTokenOut, status_code=201)
async def create_token(request: Request, who: CallerDep, body: m.TokenIn) -> m.NewTokenOut:
    if not request.app.state.admin.token_limit.allow(client_key(request)):
        raise RateLimited
    issued = await _services(request).admin.create_token(who.actor, body.name)
    return m.NewTokenOut(token=issued.token, **m.token_out(issued.record).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(request: Request, who: CallerDep, token_id: m.Id) -> None:
    await _services(request).admin.revoke_token(who.actor, token_id)
