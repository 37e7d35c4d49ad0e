"""The JSON API under /api: the same core services the bot and the pages call, so every
request is scoped to the caller's organization and checked against their role."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from bot.admin import models as m
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep, WorkDep, admin_context
from bot.admin.problem import responses
from bot.admin.security import Caller, RateLimited, authenticate, client_key
from core.client_loop.providers import (
    MAX_KEY,
    SMS_SECRET,
    SMTP_SECRET,
    shown_sms,
    shown_smtp,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.domain import Actor
from core.services import Services

ERRORS = responses(401, 403, 404, 422, 429)  # with 400, 413 on a body and 500: problem.document
router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


async def caller(request: Request, work: WorkDep) -> Caller:
    """Checked inside the request's unit of work (an API token's use is noted with it)."""
    context = admin_context(request)
    return await authenticate(request, work.services.admin, context.signer, context.failed_auth)


async def own_caller(request: Request) -> Caller:
    """Checked in a transaction of its own, for a route that is no one unit of work."""
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
async def get_settings(services: ServicesDep, who: CallerDep) -> m.SettingsOut:
    view = await services.org_settings.view(who.actor)
    return m.settings_out(view)


@router.patch("/settings/profile", response_model=m.SettingsOut)
async def patch_profile(services: ServicesDep, who: CallerDep, body: m.ProfileIn) -> m.SettingsOut:
    await services.org_settings.update_profile(who.actor, **body.model_dump(exclude_none=True))
    return m.settings_out(await services.org_settings.view(who.actor))


@router.put("/settings/categories", response_model=m.SettingsOut)
async def put_categories(
    services: ServicesDep, who: CallerDep, body: m.CategoriesIn
) -> m.SettingsOut:
    await services.org_settings.set_categories(who.actor, body.names)
    return m.settings_out(await services.org_settings.view(who.actor))


@router.patch("/settings/preferences", response_model=m.SettingsOut)
async def patch_preferences(
    services: ServicesDep, who: CallerDep, body: m.PreferencesIn
) -> m.SettingsOut:
    values = body.model_dump(exclude_none=True)
    photos = values.pop("photos_required", None)
    if photos is not None:
        await services.team.set_photos_required(who.actor, photos)
    await services.org_settings.set_preferences(who.actor, **values)
    return m.settings_out(await services.org_settings.view(who.actor))


@router.put("/settings/credentials/{name}", response_model=m.CredentialOut)
async def put_credential(
    services: ServicesDep, who: CallerDep, name: m.CredentialName, body: m.CredentialIn
) -> m.CredentialOut:
    view = await services.org_settings.set_credential(who.actor, name, body.value)
    return m.CredentialOut(name=view.name, masked=view.masked, readable=view.readable)


@router.delete("/settings/credentials/{name}", status_code=204)
async def delete_credential(services: ServicesDep, who: CallerDep, name: m.CredentialName) -> None:
    await services.org_settings.clear_credential(who.actor, name)


@router.get("/billing", response_model=m.BillingOut)
async def billing(services: ServicesDep, who: CallerDep) -> m.BillingOut:
    return m.billing_out(await services.billing.overview(who.actor))


# 402 the bank declined, 409 payments not enabled on this server, 502 the bank did not answer
BILLING_ERRORS = responses(402, 409, 502)


@router.post("/billing/checkout", response_model=m.CheckoutOut, responses=BILLING_ERRORS)
async def checkout(
    request: Request, who: Annotated[Caller, Depends(own_caller)], body: m.CheckoutIn
) -> m.CheckoutOut:
    # Not one unit of work: the payment is committed before the bank is asked for its page
    # (a payment the bank knows of is never lost), and no transaction waits on the bank.
    services = admin_context(request).container.services
    done = await services.billing.checkout(who.actor, body.plan, body.months, body.email)
    return m.CheckoutOut(order_id=done.order_id, payment_url=done.payment_url, amount=done.amount)


@router.get("/tokens", response_model=list[m.TokenOut])
async def tokens(services: ServicesDep, who: CallerDep) -> list[m.TokenOut]:
    return [m.token_out(t) for t in await services.admin.tokens(who.actor)]


@router.post("/tokens", response_model=m.NewTokenOut, status_code=201)
async def create_token(
    request: Request, services: ServicesDep, who: CallerDep, body: m.TokenIn
) -> m.NewTokenOut:
    if not request.app.state.admin.token_limit.allow(client_key(request)):
        raise RateLimited
    issued = await services.admin.create_token(who.actor, body.name)
    return m.NewTokenOut(token=issued.token, **m.token_out(issued.record).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(services: ServicesDep, who: CallerDep, token_id: m.Id) -> None:
    await services.admin.revoke_token(who.actor, token_id)


# The client loop's SMS provider and SMTP server (issue 19): stored as encrypted credentials;
# a read shows the provider, sender and server, never a key or a password.
class SmsIn(BaseModel):
    provider: Literal["sms_ru", "smsc"]
    key: str = Field(max_length=MAX_KEY, description="SMS.ru api_id, or the SMSC.ru login")
    password: str = Field("", max_length=MAX_KEY, description="SMSC.ru only")
    sender: str = Field("", max_length=11, description="an approved sender name, or empty")


class SmtpIn(BaseModel):
    host: str = Field(max_length=253)
    port: int = Field(ge=1, le=65535)
    security: Literal["starttls", "tls", "none"]
    from_address: str = Field(max_length=254)
    from_name: str = Field("", max_length=200)
    username: str = Field("", max_length=MAX_KEY)
    password: str = Field("", max_length=MAX_KEY)


class ClientChannelsOut(BaseModel):
    sms: dict[str, str | None] | None
    smtp: dict[str, str | int | None] | None


async def _channels(services: Services, who: Caller) -> ClientChannelsOut:
    credentials = services.org_settings.credential_in
    sms, smtp = await services.client_loop.channel_settings(who.actor, credentials)
    return ClientChannelsOut(sms=shown_sms(sms), smtp=shown_smtp(smtp))


@router.get("/settings/client-channels", response_model=ClientChannelsOut)
async def client_channels(services: ServicesDep, who: CallerDep) -> ClientChannelsOut:
    return await _channels(services, who)


@router.put("/settings/client-channels/sms", response_model=ClientChannelsOut)
async def put_client_sms(services: ServicesDep, who: CallerDep, body: SmsIn) -> ClientChannelsOut:
    chosen = sms_settings(body.provider, body.key, body.password, body.sender)
    await services.org_settings.store_secret(who.actor, SMS_SECRET, sms_json(chosen))
    return await _channels(services, who)


@router.put("/settings/client-channels/smtp", response_model=ClientChannelsOut)
async def put_client_smtp(
    services: ServicesDep, who: CallerDep, body: SmtpIn
) -> ClientChannelsOut:
    server = smtp_settings(**body.model_dump())
    await services.org_settings.store_secret(who.actor, SMTP_SECRET, smtp_json(server))
    return await _channels(services, who)


@router.delete("/settings/client-channels/{which}", status_code=204)
async def delete_client_channel(
    services: ServicesDep, who: CallerDep, which: Literal["sms", "smtp"]
) -> None:
    name = SMS_SECRET if which == "sms" else SMTP_SECRET
    await services.org_settings.clear_credential(who.actor, name, known=True)
