"""The webhook job: send one delivery, signed, and record what came of it.

A delivery row and its job are written in the transaction of the change (storage's
`add_event`), so the job only ever sees committed events. A job that runs twice finds the
delivery already recorded (delivered, or its attempts moved on) and sends nothing; a process
killed between the POST and the record sends it again, which is why every delivery carries
its event id (X-Event-Id) for the receiver to drop repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from core.domain import Job
from core.ports import Clock
from core.runtime.outbox import Stored
from core.service_ports import SecretBox
from core.webhooks.model import (
    DeliveryRecord,
    DeliveryStatus,
    DisabledNotice,
    Failure,
    Response,
    Subscription,
    WebhookStore,
    WebhookTransport,
)
from core.webhooks.policy import RetryPolicy
from core.webhooks.signing import headers

log = logging.getLogger(__name__)
Deliver = Callable[[list[Stored]], Awaitable[None]]
# What a try came to, for the metrics: delivered, retrying, given_up (no more tries),
# abandoned (the subscription was off), and subscription_disabled (this failure switched
# its subscription off; counted besides given_up).
Observe = Callable[[str], None]


def _unobserved(_outcome: str) -> None:
    return None


class WebhookSender:
    def __init__(
        self,
        store: WebhookStore,
        transport: WebhookTransport,
        box: SecretBox,
        clock: Clock,
        notice: DisabledNotice,
        policy: RetryPolicy | None = None,
        deliver: Deliver | None = None,
        observe: Observe = _unobserved,
    ) -> None:
        """`deliver`: sends the owner's message the switch-off wrote to the outbox, right
        after it committed (a sender of the job runner's; None: the outbox's next look)."""
        self._store = store
        self._transport = transport
        self._box = box
        self._clock = clock
        self._notice = notice
        self._policy = policy or RetryPolicy()
        self._deliver = deliver
        self._observe = observe

    async def job(self, job: Job) -> None:
        """The handler of WEBHOOK_JOB: payload {"delivery": id, "attempt": attempts seen}."""
        found = await self._store.load(int(str(job.payload["delivery"])))
        if found is None:
            return
        delivery, subscription, secret = found
        if delivery.status is not DeliveryStatus.PENDING:
            return  # delivered, or given up, already: a job that ran twice
        if delivery.attempts != int(str(job.payload.get("attempt", 0))):
            return  # a later try has its own job
        if not subscription.active:
            if await self._store.abandon(delivery, self._clock.now()):
                self._observe("abandoned")
            return
        response = await self._send(delivery, subscription.url, secret)
        now = self._clock.now()
        if response.ok:
            if await self._store.succeeded(delivery, response, now):
                self._observe("delivered")
            return
        failure = self._failure(delivery, subscription, response)
        stored = await self._store.failed(delivery, failure, self._notice, now)
        if stored is None:
            return
        self._observe("retrying" if failure.next_try_at is not None else "given_up")
        if failure.disable and subscription.active:
            self._observe("subscription_disabled")
        if stored and self._deliver is not None:
            await self._deliver(stored)
        log.info(
            "webhook delivery %s of subscription %s failed (try %s, status %s)",
            delivery.id,
            subscription.id,
            delivery.attempts + 1,
            response.status,
        )

    async def _send(self, delivery: DeliveryRecord, url: str, secret: bytes) -> Response:
        key = self._box.decrypt(secret).decode()
        timestamp = int(self._clock.now().timestamp())
        signed = headers(key, timestamp, delivery.event_id, delivery.body)
        return await self._transport.post(url, delivery.body, signed)

    def _failure(
        self, delivery: DeliveryRecord, subscription: Subscription, response: Response
    ) -> Failure:
        now = self._clock.now()
        tries = delivery.attempts + 1
        first = delivery.first_try_at or now
        next_try = self._policy.next_try(tries, first, now)
        since = subscription.failing_since or now
        disable = self._policy.disables(subscription.failures + 1, since, now)
        return Failure(response, None if disable else next_try, disable)
