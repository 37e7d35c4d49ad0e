"""Seeded orders for the Numbers tests: known revenue by local day and method, orders done per
worker, ratings, visits on time and late, and a returning client, on a frozen clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert

from core.domain import Actor, Role
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.db import create_engine
from storage.tables import ClientRatingRow
from tests.support import onboard, owner_with_org, profile, profile_of


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Seeded:
    owner: Actor
    worker: Actor
    orders: dict[str, int]


async def _visit(services, clock, actor, client_id, *, scheduled, start, done, pay=None):
    """An order assigned to `actor`, started and done at the given UTC moments, then paid
    (amount, method, moment) by the owner-side `pay` actor."""
    draft = OrderDraft(client_id, address="Москва, Тверская, 1", scheduled_at=scheduled)
    order = await services.orders.create(actor.owner, draft)
    await services.orders.act(actor.owner, order.id, OrderAction.ASSIGN, assignee_id=actor.who)
    clock.set(start)
    await services.orders.act(actor.doer, order.id, OrderAction.START)
    clock.set(done)
    await services.orders.act(actor.doer, order.id, OrderAction.DONE)
    if pay is not None:
        amount, method, moment = pay
        clock.set(moment)
        await services.orders.act(
            actor.owner, order.id, OrderAction.PAY, amount_minor=amount, method=method
        )
    return order.id


@dataclass
class _As:
    owner: Actor
    doer: Actor
    who: int


async def seed(services, clock, db_url) -> Seeded:
    """Moscow (UTC+3). Period 1-2 March 2026:
    №a client A (served in February too), 10:00 local, started 10:10 (on time), 1,500 cash;
    №b client B, 15:00 local, started 15:30 (late), 2,000 card paid 2 March 00:30 local;
    №c client B, no time, owner's own, 500 cash on 2 March. Ratings 5 (a) and 4 (b)."""
    clock.set(at(20, 9, month=2))
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = profile("Иван")
    await services.invites.accept(await onboard(services, person), token)
    worker = await services.users.identify(profile_of(await services.users.identify(person)))
    a = await services.clients.create(owner, "Анна", "+79161234501", "Москва, Тверская, 1")
    b = await services.clients.create(owner, "Борис", "+79161234502", "Москва, Тверская, 2")
    by_worker = _As(owner, worker, worker.user.id)
    by_owner = _As(owner, owner, owner.user.id)
    orders = {}
    orders["feb"] = await _visit(
        services,
        clock,
        by_worker,
        a.id,
        scheduled=None,
        start=at(20, 9, 30, month=2),
        done=at(20, 10, month=2),
    )
    clock.set(at(1, 5))
    orders["a"] = await _visit(
        services, clock, by_worker, a.id, scheduled=at(1, 7), start=at(1, 7, 10),
        done=at(1, 8), pay=(150000, "cash", at(1, 8, 5)),
    )  # fmt: skip
    orders["b"] = await _visit(
        services, clock, by_worker, b.id, scheduled=at(1, 12), start=at(1, 12, 30),
        done=at(1, 13), pay=(200000, "card", at(1, 21, 30)),
    )  # fmt: skip
    orders["c"] = await _visit(
        services, clock, by_owner, b.id, scheduled=None, start=at(2, 5, 30),
        done=at(2, 6), pay=(50000, "cash", at(2, 6, 10)),
    )  # fmt: skip
    engine = create_engine(db_url)
    org_id = owner.organization.id
    async with engine.begin() as connection:
        for key, client, stars, rated in (("a", a.id, 5, at(1, 9)), ("b", b.id, 4, at(2, 7))):
            await connection.execute(
                insert(ClientRatingRow.__table__).values(
                    organization_id=org_id, order_id=orders[key], client_id=client,
                    channel="telegram", stars=stars, awaiting_comment=False,
                    asked_at=rated, rated_at=rated,
                )
            )  # fmt: skip
    await engine.dispose()
    return Seeded(owner, worker, orders)
