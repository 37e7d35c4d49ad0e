"""An organization's API keys and their scopes (docs/rest-api.md).

A key is a random token with a recognizable prefix, shown once and stored only as its
SHA-256 (core.admin.model.token_hash): a database dump opens nothing. A key acts as the
owner who created it, limited to its scopes; it stops working when revoked, or when its
creator is no longer an active owner of the organization.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from core.domain import Client, Order
from core.errors import DomainError

T = TypeVar("T")
KEY_PREFIX = "crm_"
KEY_NAME_MAX = 60
MAX_API_KEYS = 20
# last_used_at is written at most this often per key: a busy integration does not turn
# every read into a write.
TOUCH_EVERY = timedelta(minutes=1)
IDEMPOTENCY_KEY_MAX = 100
ANSWERS_KEPT = timedelta(hours=24)  # how long a retry with the same key is recognized
PAGE_MAX = 100  # items per page of a list


class Scope(enum.StrEnum):
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    PAYMENTS_READ = "payments:read"
    WEBHOOKS_WRITE = "webhooks:write"


def parse_scopes(given: Iterable[str]) -> tuple[Scope, ...]:
    """The scopes named, in the enum's order, each once; an unknown or no scope refused."""
    names = {name.strip() for name in given if name.strip()}
    known = {scope.value for scope in Scope}
    if not names or not names <= known:
        raise DomainError("api_key_scopes_invalid", scopes=", ".join(known_sorted()))
    return tuple(scope for scope in Scope if scope.value in names)


def known_sorted() -> list[str]:
    return [scope.value for scope in Scope]


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    organization_id: int
    created_by: int | None
    name: str
    prefix: str  # the first characters, to tell keys apart in lists
    scopes: tuple[Scope, ...]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The first answer to a POST with an Idempotency-Key: replayed to a retry with the same
    body; `request_hash` tells a different body apart."""

    request_hash: str
    status: int
    body: str


@dataclass(frozen=True, slots=True)
class ClientItem:
    client: Client
    email: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """A page and where the next one starts (None: this was the last)."""

    items: tuple[T, ...]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Filters of the order list: any of the statuses (none: all), one assignee, scheduled
    in [start, end), changed at or after `updated_since`."""

    statuses: frozenset[str] = frozenset()
    assignee_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderItem:
    order: Order
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PaymentItem:
    """A payment recorded on an order (the `pay` event: cash, card, transfer, online)."""

    id: int
    order_id: int
    amount_minor: int
    method: str
    created_at: datetime
