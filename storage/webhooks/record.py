"""Webhook deliveries written in the transaction of the change they report.

Called by the order and client repositories' `add_event`: an event row that is a webhook
event (core.webhooks.events) gets one delivery row per active subscription to it, and each
delivery its job, in the caller's session. The organization's subscriptions are read once
per transaction (most organizations have none: one indexed look, then nothing; an update's
arrival statement looks already, so its changes read nothing more).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.webhooks.events import Envelope, EventType
from core.webhooks.model import WEBHOOK_JOB
from storage.runtime.repository import SqlJobRepository
from storage.tables_webhooks import WebhookDeliveryRow, WebhookSubscriptionRow

_CACHE = "webhook_subscriptions"
SUBS = WebhookSubscriptionRow.__table__.c


async def _subscriptions(session: AsyncSession, org_id: int) -> list[tuple[int, list[str]]]:
    transaction = session.sync_session.get_transaction()
    cache: dict[int, tuple[object, list[tuple[int, list[str]]]]]
    cache = session.info.setdefault(_CACHE, {})
    seen = cache.get(org_id)
    if seen is not None and seen[0] is transaction:
        return seen[1]
    stmt = select(SUBS.id, SUBS.events).where(
        SUBS.organization_id == org_id, SUBS.active.is_(True)
    )
    found = [(int(i), list(events)) for i, events in (await session.execute(stmt)).all()]
    cache[org_id] = (transaction, found)
    return found


def no_subscriptions(session: AsyncSession, org_id: int) -> None:
    """This transaction already found the organization without an active subscription (the
    update's arrival asks in its one statement: storage/team/arrival.py), so its changes write
    no delivery and read nothing more. A subscription made meanwhile by another process counts
    from the next update on."""
    transaction = session.sync_session.get_transaction()
    session.info.setdefault(_CACHE, {})[org_id] = (transaction, [])


def forget(session: AsyncSession) -> None:
    """A subscription changed in this session: read them again."""
    session.info.pop(_CACHE, None)


async def record(
    session: AsyncSession,
    org_id: int,
    types: Sequence[EventType],
    data: dict[str, Any],
    now: datetime,
) -> int:
    """Deliveries (and their jobs) of `types` about an object; how many were written."""
    if not types:
        return 0
    subscriptions = await _subscriptions(session, org_id)
    written = 0
    for event_type in types:
        wanted = [sub_id for sub_id, events in subscriptions if event_type.value in events]
        if not wanted:
            continue
        envelope = Envelope(str(uuid.uuid4()), event_type, now, org_id, data)
        body = envelope.body()
        for sub_id in wanted:
            row = WebhookDeliveryRow(
                organization_id=org_id,
                subscription_id=sub_id,
                event_id=envelope.event_id,
                event_type=event_type.value,
                body=body,
                status="pending",
                attempts=0,
                next_try_at=now,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            assert row.id is not None
            await enqueue(session, org_id, row.id, 0, now)
            written += 1
    return written


async def enqueue(
    session: AsyncSession,
    org_id: int,
    delivery_id: int,
    attempt: int,
    run_at: datetime,
    again: bool = False,
) -> None:
    """The job of a delivery's try after `attempt` failed ones; a repeat adds nothing, but a
    redelivery (`again`, the attempts counted from 0 anew) is a job of its own."""
    payload = {"delivery": delivery_id, "attempt": attempt}
    key = f"webhook:{delivery_id}:{attempt}" + (f":{uuid.uuid4().hex}" if again else "")
    await SqlJobRepository(session).enqueue(WEBHOOK_JOB, payload, run_at, org_id, key)
