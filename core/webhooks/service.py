"""Managing an organization's webhook subscriptions (the admin page and the REST API's
`webhooks:write` scope: docs/webhooks.md, "Managing")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.ports import Clock
from core.service_ports import SecretBox
from core.webhooks.events import ALL_EVENTS
from core.webhooks.model import DeliveryRecord, Subscription, WebhookStore
from core.webhooks.signing import new_secret
from core.webhooks.urls import check_url

LOG_SIZE = 20  # deliveries shown per subscription


@dataclass(frozen=True, slots=True)
class Created:
    subscription: Subscription
    secret: str  # shown once, never again


def known_events(events: Sequence[str]) -> list[str]:
    """The events given, in the catalogue's order; ValueError when none is known."""
    known: list[str] = [e.value for e in ALL_EVENTS if e.value in set(events)]
    if not known:
        raise ValueError("no event")
    return known


class WebhookService:
    """Every method takes the organization it acts for; the caller has checked that its
    user may manage the organization's integrations (the owner)."""

    def __init__(
        self, store: WebhookStore, box: SecretBox | None, clock: Clock, allow_private: bool
    ) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self.allow_private = allow_private

    @property
    def available(self) -> bool:
        """Secrets are kept encrypted: without an encryption key there are no webhooks."""
        return self._box is not None

    async def subscribe(self, org_id: int, url: str, events: Sequence[str]) -> Created:
        """ValueError for a URL that may not be one, or no known event."""
        if self._box is None:
            raise ValueError("no encryption key")
        url = check_url(url, self.allow_private)
        known = known_events(events)
        secret = new_secret()
        sealed = self._box.encrypt(secret.encode())
        added = await self._store.add(org_id, url, known, sealed, self._clock.now())
        return Created(added, secret)

    async def subscriptions(self, org_id: int) -> list[Subscription]:
        return await self._store.subscriptions(org_id)

    async def set_active(self, org_id: int, sub_id: int, active: bool) -> bool:
        return await self._store.set_active(org_id, sub_id, active, self._clock.now())

    async def subscription(self, org_id: int, sub_id: int) -> Subscription | None:
        found = [s for s in await self._store.subscriptions(org_id) if s.id == sub_id]
        return found[0] if found else None

    async def set_events(self, org_id: int, sub_id: int, events: Sequence[str]) -> bool:
        """ValueError when no event is known; False when it is not the org's."""
        return await self._store.set_events(org_id, sub_id, known_events(events))

    async def delivery(self, org_id: int, delivery_id: int) -> DeliveryRecord | None:
        return await self._store.delivery(org_id, delivery_id)

    async def remove(self, org_id: int, sub_id: int) -> bool:
        return await self._store.remove(org_id, sub_id)

    async def deliveries(self, org_id: int, sub_id: int) -> list[DeliveryRecord]:
        return await self._store.deliveries(org_id, sub_id, LOG_SIZE)

    async def redeliver(self, org_id: int, delivery_id: int) -> bool:
        return await self._store.redeliver(org_id, delivery_id, self._clock.now())
