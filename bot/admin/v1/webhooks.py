"""/api/v1/webhooks: an organization's webhook subscriptions for keys with `webhooks:write`
(docs/webhooks.md, "Managing"): list, create (the signing secret in that one answer only),
get, update (events, on or off; If-Match), delete, the last deliveries, redeliver one. The
admin page's service (core.webhooks.service, bot/webhooks.py) in the request's transaction,
with the same URL rules (https, no private or local targets) and an audit entry per change
(the URL left out: it may hold a token)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from bot.admin.context import RequestWork, WorkDep, admin_context
from bot.admin.models import Id
from bot.admin.v1.auth import WebhooksWrite, via
from bot.admin.v1.idempotency import IdempotencyKey, IfMatch, answer, check_match, once
from bot.admin.v1.problems import ON_PATCH, ON_POST, PROBLEMS, Problem, problems
from bot.webhooks import webhook_service
from core.apikeys.service import KeyCaller
from core.errors import DomainError
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.webhooks.model import DeliveryRecord, Subscription
from core.webhooks.service import WebhookService
from core.webhooks.urls import MAX_URL
from handlers.i18n import N_

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses={**PROBLEMS, **problems(503)})
Event = Literal[
    "order.created",
    "order.assigned",
    "order.status_changed",
    "order.paid",
    "client.created",
    "client.updated",
    "rating.received",
]
Events = Annotated[list[Event], Field(min_length=1, max_length=20)]


class SubscriptionOut(BaseModel):
    id: int
    url: str = Field(examples=["https://hooks.example.com/astracrm"])
    events: list[str] = Field(examples=[["order.created", "order.paid"]])
    active: bool = Field(description="False: switched off (by hand or after failures)")
    failures: int = Field(description="Failed tries in a row")
    failing_since: datetime | None = Field(description="ISO 8601, UTC")
    disabled_at: datetime | None = Field(description="ISO 8601, UTC")
    created_at: datetime = Field(description="ISO 8601, UTC")


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str | None = Field(
        description="The signing secret (X-Signature): in the first answer only; null when "
        "the answer is a replay of the same Idempotency-Key",
        examples=["whsec_3q2+7w..."],
    )


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=1,
        max_length=MAX_URL,
        description="https; not a private, loopback or local address",
        examples=["https://hooks.example.com/astracrm"],
    )
    events: Events = Field(examples=[["order.created", "order.paid"]])


class SubscriptionPatch(BaseModel):
    """Only the fields sent change; switching on forgets the failures."""

    model_config = ConfigDict(extra="forbid")
    events: Events | None = Field(None, examples=[["order.status_changed"]])
    active: bool | None = Field(None, examples=[True])


class DeliveryOut(BaseModel):
    id: int
    subscription_id: int
    event_id: str = Field(description="The event's id (the body's `id`): dedupe on it")
    event_type: str = Field(examples=["order.created"])
    body: str = Field(description="The JSON body as signed")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    first_try_at: datetime | None
    next_try_at: datetime | None
    last_status: int | None = Field(description="The receiver's last HTTP status")
    last_excerpt: str | None
    created_at: datetime


class Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


def subscription_out(sub: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=sub.id, url=sub.url, events=list(sub.events), active=sub.active,
        failures=sub.failures, failing_since=sub.failing_since, disabled_at=sub.disabled_at,
        created_at=sub.created_at,
    )  # fmt: skip


def delivery_out(d: DeliveryRecord) -> DeliveryOut:
    return DeliveryOut(
        id=d.id, subscription_id=d.subscription_id, event_id=d.event_id,
        event_type=d.event_type, body=d.body, status=d.status.value, attempts=d.attempts,
        first_try_at=d.first_try_at, next_try_at=d.next_try_at, last_status=d.last_status,
        last_excerpt=d.last_excerpt, created_at=d.created_at,
    )  # fmt: skip


def _service(request: Request, work: RequestWork) -> WebhookService:
    service = webhook_service(admin_context(request).container, work.work.uow.session)
    if not service.available:
        detail = N_("Webhooks need the deployment's ENCRYPTION_KEY.")
        raise Problem(503, "webhooks_unavailable", detail)
    return service


def _org(who: KeyCaller) -> int:
    assert who.actor.organization is not None
    return who.actor.organization.id


def _refused_url() -> Problem:
    detail = N_("Use an https address that is not private, loopback or local.")
    where = [{"field": "body.url", "message": detail}]
    return Problem(422, "webhook_url_refused", detail, errors=where)


async def _audit(work: RequestWork, who: KeyCaller, change: str, sub_id: int) -> None:
    now = work.services.clock.now()
    await record(
        work.work.uow, who.actor, AuditAction.SETTING_CHANGED, now, None,
        name="webhooks", change=change, subscription=sub_id, via=via(who),
    )  # fmt: skip


async def _read(service: WebhookService, who: KeyCaller, sub_id: int) -> SubscriptionOut:
    found = await service.subscription(_org(who), sub_id)
    if found is None:
        raise DomainError("not_found")
    return subscription_out(found)


@router.get("", response_model=list[SubscriptionOut])
async def list_webhooks(
    request: Request, work: WorkDep, who: WebhooksWrite
) -> list[SubscriptionOut]:
    service = _service(request, work)
    return [subscription_out(s) for s in await service.subscriptions(_org(who))]


@router.post("", response_model=SubscriptionCreatedOut, status_code=201, responses=ON_POST)
async def create_webhook(
    request: Request,
    work: WorkDep,
    who: WebhooksWrite,
    body: SubscriptionIn,
    _key: IdempotencyKey = None,
) -> JSONResponse:
    """Subscribe a URL to events; the answer's `secret` signs every delivery and is shown
    in this answer only (docs/webhooks.md, "Verifying a delivery")."""
    service = _service(request, work)
    secrets: dict[int, str] = {}

    async def make() -> int:
        try:
            made = await service.subscribe(_org(who), body.url, body.events)
        except ValueError:
            raise _refused_url() from None
        await _audit(work, who, "added", made.subscription.id)
        secrets[made.subscription.id] = made.secret
        return made.subscription.id

    async def read(sub_id: int) -> SubscriptionCreatedOut:
        shown = await _read(service, who, sub_id)
        return SubscriptionCreatedOut(**shown.model_dump(), secret=secrets.get(sub_id))

    return await once(request, work.services, who, body, make, read)


@router.get("/{sub_id}", response_model=SubscriptionOut)
async def get_webhook(request: Request, work: WorkDep, who: WebhooksWrite, sub_id: Id) -> Response:
    return answer(await _read(_service(request, work), who, sub_id))


@router.patch("/{sub_id}", response_model=SubscriptionOut, responses=ON_PATCH)
async def update_webhook(
    request: Request,
    work: WorkDep,
    who: WebhooksWrite,
    sub_id: Id,
    body: SubscriptionPatch,
    _match: IfMatch = None,
) -> Response:
    service = _service(request, work)
    check_match(request, await _read(service, who, sub_id))
    if body.events is not None:
        await service.set_events(_org(who), sub_id, body.events)
        await _audit(work, who, "events", sub_id)
    if body.active is not None:
        await service.set_active(_org(who), sub_id, body.active)
        await _audit(work, who, "on" if body.active else "off", sub_id)
    return answer(await _read(service, who, sub_id))


@router.delete("/{sub_id}", status_code=204, response_class=Response)
async def delete_webhook(
    request: Request, work: WorkDep, who: WebhooksWrite, sub_id: Id
) -> Response:
    """Remove the subscription with its delivery log; pending deliveries are not sent."""
    if not await _service(request, work).remove(_org(who), sub_id):
        raise DomainError("not_found")
    await _audit(work, who, "remove", sub_id)
    return Response(status_code=204)


@router.get("/{sub_id}/deliveries", response_model=list[DeliveryOut])
async def list_deliveries(
    request: Request, work: WorkDep, who: WebhooksWrite, sub_id: Id
) -> list[DeliveryOut]:
    """The subscription's last 20 deliveries, newest first."""
    service = _service(request, work)
    await _read(service, who, sub_id)
    return [delivery_out(d) for d in await service.deliveries(_org(who), sub_id)]


@router.post(
    "/{sub_id}/deliveries/{delivery_id}/redeliver", response_model=DeliveryOut, responses=ON_POST
)
async def redeliver(
    request: Request,
    work: WorkDep,
    who: WebhooksWrite,
    sub_id: Id,
    delivery_id: Id,
    _key: IdempotencyKey = None,
) -> JSONResponse:
    """Send the delivery again from its first try (its attempts counted anew)."""
    service = _service(request, work)

    async def read(made: int) -> DeliveryOut:
        found = await service.delivery(_org(who), made)
        if found is None or found.subscription_id != sub_id:
            raise DomainError("not_found")
        return delivery_out(found)

    async def make() -> int:
        await read(delivery_id)
        await service.redeliver(_org(who), delivery_id)
        await _audit(work, who, "redeliver", sub_id)
        return delivery_id

    return await once(request, work.services, who, Empty(), make, read, 200)
