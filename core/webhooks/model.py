"""Webhook subscriptions and deliveries as the core sees them, and the ports it needs."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.runtime.outbox import Delivery, Stored

WEBHOOK_JOB = "webhook"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) try
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # given up: 24 h of failures, or the subscription was switched off


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    organization_id: int
    url: str
    events: tuple[str, ...]
    active: bool
    failures: int
    failing_since: datetime | None
    disabled_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: int
    organization_id: int
    subscription_id: int
    event_id: str
    event_type: str
    body: str
    status: DeliveryStatus
    attempts: int
    first_try_at: datetime | None
    next_try_at: datetime | None
    last_status: int | None
    last_excerpt: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Owner:
    """Whom to tell that a subscription was switched off."""

    telegram_id: int
    language: str


@dataclass(frozen=True, slots=True)
class Response:
    """What a try came to: the HTTP status (None: no answer, or the target was refused) and
    a short excerpt of the answer or the error."""

    status: int | None
    excerpt: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed try to record: when to try again (None: given up) and whether the
    subscription is switched off by it."""

    response: Response
    next_try_at: datetime | None
    disable: bool


# The owner's message when a subscription is switched off: (owners, url) -> deliveries.
DisabledNotice = Callable[[Sequence[Owner], str], list[Delivery]]


class WebhookTransport(Protocol):
    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        """POST once: no redirects, a short timeout, private targets refused."""
        ...


class WebhookStore(Protocol):
    """Each call is its own transaction."""

    async def subscriptions(self, org_id: int) -> list[Subscription]: ...
    async def add(
        self, org_id: int, url: str, events: Sequence[str], secret: bytes, now: datetime
    ) -> Subscription: ...
    async def set_active(self, org_id: int, sub_id: int, active: bool, now: datetime) -> bool: ...
    async def set_events(self, org_id: int, sub_id: int, events: Sequence[str]) -> bool: ...
    async def remove(self, org_id: int, sub_id: int) -> bool: ...
    async def delivery(self, org_id: int, delivery_id: int) -> DeliveryRecord | None: ...
    async def deliveries(self, org_id: int, sub_id: int, limit: int) -> list[DeliveryRecord]: ...
    async def redeliver(self, org_id: int, delivery_id: int, now: datetime) -> bool: ...
    async def load(self, delivery_id: int) -> tuple[DeliveryRecord, Subscription, bytes] | None:
        """The delivery, its subscription and the subscription's encrypted secret."""
        ...

    async def abandon(self, delivery: DeliveryRecord, now: datetime) -> bool:
        """Give a pending delivery up (its subscription is off)."""
        ...

    async def succeeded(self, delivery: DeliveryRecord, response: Response, now: datetime) -> bool:
        """Record a 2xx answer, fenced on the attempts seen; False: someone else recorded."""
        ...

    async def failed(
        self, delivery: DeliveryRecord, failure: Failure, notice: DisabledNotice, now: datetime
    ) -> list[Stored] | None:
        """Record a failed try, fenced like `succeeded` (None: someone else recorded); the
        next try's job, or the subscription switched off with `notice` written to the
        outbox, in one transaction. The outbox rows written (to send now), if any."""
        ...
