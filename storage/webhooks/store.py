"""Webhook subscriptions and deliveries, each call its own transaction (core.webhooks.model
.WebhookStore). Outcomes are fenced on the attempts the sender saw, so a job that runs twice
records one outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.domain import Role
from core.runtime.outbox import Stored
from core.webhooks.model import (
    DeliveryRecord,
    DeliveryStatus,
    DisabledNotice,
    Failure,
    Owner,
    Response,
    Subscription,
)
from storage.runtime.outbox import SqlOutboxRepository
from storage.tables import MembershipRow, UserRow
from storage.tables_webhooks import WebhookDeliveryRow, WebhookSubscriptionRow
from storage.webhooks.record import enqueue

NOBODY = "~webhooks"  # an outbox holder nobody is: the first bot sender to look takes the rows
KEEP = 200  # deliveries kept per subscription
S = WebhookSubscriptionRow
D = WebhookDeliveryRow


def to_subscription(row: WebhookSubscriptionRow) -> Subscription:
    assert row.id is not None
    return Subscription(
        row.id,
        row.organization_id,
        row.url,
        tuple(row.events),
        row.active,
        row.failures,
        row.failing_since,
        row.disabled_at,
        row.created_at,
    )


def to_delivery(row: WebhookDeliveryRow) -> DeliveryRecord:
    assert row.id is not None
    return DeliveryRecord(
        row.id,
        row.organization_id,
        row.subscription_id,
        row.event_id,
        row.event_type,
        row.body,
        DeliveryStatus(row.status),
        row.attempts,
        row.first_try_at,
        row.next_try_at,
        row.last_status,
        row.last_excerpt,
        row.created_at,
    )


def _fence(delivery: DeliveryRecord) -> list[Any]:
    return [D.id == delivery.id, D.status == "pending", D.attempts == delivery.attempts]


class SqlWebhookStore:
    """Each call its own transaction, or, `joined` to a request's session, part of the
    request's (which commits it: an admin request is one unit of work)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        joined: AsyncSession | None = None,
        holder: str = NOBODY,
        lease: timedelta = timedelta(0),
    ) -> None:
        """`holder`, `lease`: who holds the owner's message in the outbox, and how long (a
        job runner's sender sends it right after; NOBODY: any bot sender's next look)."""
        self._sessions = sessions
        self._joined = joined
        self._holder = holder
        self._lease = lease

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        if self._joined is not None:
            yield self._joined
            await self._joined.flush()
            return
        async with self._sessions() as session:
            yield session
            await session.commit()

    async def subscriptions(self, org_id: int) -> list[Subscription]:
        stmt = select(S).where(S.organization_id == org_id).order_by(S.id)
        async with self._tx() as s:
            return [to_subscription(r) for r in (await s.execute(stmt)).scalars()]

    async def add(
        self, org_id: int, url: str, events: Sequence[str], secret: bytes, now: datetime
    ) -> Subscription:
        async with self._tx() as s:
            row = S(
                organization_id=org_id, url=url, events=list(events), secret=secret,
                active=True, failures=0, created_at=now,
            )  # fmt: skip
            s.add(row)
            await s.flush()
            return to_subscription(row)

    async def set_active(self, org_id: int, sub_id: int, active: bool, now: datetime) -> bool:
        """Switch on (the failures forgotten) or off; False when it is not the org's."""
        values: dict[str, Any] = {"active": active, "disabled_at": None if active else now}
        if active:
            values.update(failures=0, failing_since=None)
        stmt = update(S).where(S.id == sub_id, S.organization_id == org_id).values(**values)
        async with self._tx() as s:
            changed = (await s.execute(stmt)).rowcount
        return bool(changed)

    async def set_events(self, org_id: int, sub_id: int, events: Sequence[str]) -> bool:
        stmt = update(S).where(S.id == sub_id, S.organization_id == org_id)
        async with self._tx() as s:
            changed = (await s.execute(stmt.values(events=list(events)))).rowcount
        return bool(changed)

    async def delivery(self, org_id: int, delivery_id: int) -> DeliveryRecord | None:
        stmt = select(D).where(D.id == delivery_id, D.organization_id == org_id)
        async with self._tx() as s:
            row = (await s.execute(stmt)).scalar_one_or_none()
        return None if row is None else to_delivery(row)

    async def remove(self, org_id: int, sub_id: int) -> bool:
        stmt = delete(S).where(S.id == sub_id, S.organization_id == org_id)
        async with self._tx() as s:
            changed = (await s.execute(stmt)).rowcount
        return bool(changed)

    async def deliveries(self, org_id: int, sub_id: int, limit: int) -> list[DeliveryRecord]:
        stmt = (
            select(D)
            .where(D.organization_id == org_id, D.subscription_id == sub_id)
            .order_by(D.id.desc())
            .limit(limit)
        )
        async with self._tx() as s:
            return [to_delivery(r) for r in (await s.execute(stmt)).scalars()]

    async def redeliver(self, org_id: int, delivery_id: int, now: datetime) -> bool:
        """Send a delivery once more from its first try (its attempts counted anew)."""
        where = [D.id == delivery_id, D.organization_id == org_id]
        values = dict(status="pending", attempts=0, first_try_at=None, next_try_at=now)
        async with self._tx() as s:
            changed = (await s.execute(update(D).where(*where).values(**values))).rowcount
            if changed:
                await enqueue(s, org_id, delivery_id, 0, now, again=True)
        return bool(changed)

    async def load(self, delivery_id: int) -> tuple[DeliveryRecord, Subscription, bytes] | None:
        async with self._tx() as s:
            delivery = await s.get(D, delivery_id)
            if delivery is None:
                return None
            subscription = await s.get(S, delivery.subscription_id)
            if subscription is None:
                return None
            return to_delivery(delivery), to_subscription(subscription), subscription.secret

    async def abandon(self, delivery: DeliveryRecord, now: datetime) -> bool:
        values = dict(status="failed", next_try_at=None)
        async with self._tx() as s:
            changed = (
                await s.execute(update(D).where(*_fence(delivery)).values(**values))
            ).rowcount
        return bool(changed)

    async def succeeded(self, delivery: DeliveryRecord, response: Response, now: datetime) -> bool:
        values = dict(
            status="delivered", attempts=delivery.attempts + 1, next_try_at=None,
            first_try_at=delivery.first_try_at or now, delivered_at=now,
            last_status=response.status, last_excerpt=response.excerpt[:200],
        )  # fmt: skip
        sub = update(S).where(S.id == delivery.subscription_id)
        async with self._tx() as s:
            changed = (
                await s.execute(update(D).where(*_fence(delivery)).values(**values))
            ).rowcount
            if changed:
                await s.execute(sub.values(failures=0, failing_since=None))
                await _trim(s, delivery.subscription_id)
        return bool(changed)

    async def failed(
        self, delivery: DeliveryRecord, failure: Failure, notice: DisabledNotice, now: datetime
    ) -> list[Stored] | None:
        response, tries = failure.response, delivery.attempts + 1
        values = dict(
            status="pending" if failure.next_try_at else "failed", attempts=tries,
            first_try_at=delivery.first_try_at or now, next_try_at=failure.next_try_at,
            last_status=response.status, last_excerpt=response.excerpt[:200],
        )  # fmt: skip
        async with self._tx() as s:
            changed = (
                await s.execute(update(D).where(*_fence(delivery)).values(**values))
            ).rowcount
            if not changed:
                return None
            stored: list[Stored] = []
            org_id, sub_id = delivery.organization_id, delivery.subscription_id
            row = await s.get(S, sub_id, with_for_update=True)
            if row is not None:
                row.failures += 1
                row.failing_since = row.failing_since or now
                if failure.disable and row.active:  # the one switch-off, the one message
                    row.active, row.disabled_at = False, now
                    owners = await _owners(s, org_id)
                    deliveries = notice(owners, row.url)
                    outbox = SqlOutboxRepository(s)
                    stored = await outbox.add(deliveries, self._holder, now, self._lease)
            if failure.next_try_at is not None:
                await enqueue(s, org_id, delivery.id, tries, failure.next_try_at)
            else:
                await _trim(s, sub_id)
        return stored


async def _trim(session: AsyncSession, sub_id: int) -> None:
    """Keep a subscription's last KEEP deliveries; older finished ones are deleted (the log
    is for looking back a little, not an archive)."""
    newest = (
        select(D.id)
        .where(D.subscription_id == sub_id)
        .order_by(D.id.desc())
        .offset(KEEP - 1)
        .limit(1)
        .scalar_subquery()
    )
    old = [D.subscription_id == sub_id, D.status != "pending", D.id < newest]
    await session.execute(delete(D).where(*old))


async def _owners(session: AsyncSession, org_id: int) -> list[Owner]:
    stmt = (
        select(UserRow.telegram_id, UserRow.language)
        .join(MembershipRow, MembershipRow.user_id == UserRow.id)
        .where(
            MembershipRow.organization_id == org_id,
            MembershipRow.role == Role.OWNER.value,
            MembershipRow.active.is_(True),
            UserRow.deleted_at.is_(None),
        )
    )
    return [Owner(int(t), lang or "") for t, lang in (await session.execute(stmt)).all()]
