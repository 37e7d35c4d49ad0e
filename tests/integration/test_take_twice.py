"""Take tapped twice by the same worker (on both databases): the second tap is told the order
is already theirs, not that someone else took it; another worker still hears the latter."""

import asyncio
from datetime import timedelta

import pytest

from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.support import onboard, owner_with_org, profile, services_for


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _offered(services, clock):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=2)).token
    workers = []
    for name in ("Ivan", "Wang"):
        person = profile(name)
        await services.invites.accept(await onboard(services, person), token)
        workers.append(await services.users.identify(person))
    client = await services.clients.create(owner, "Пётр", "+79161234567", "ул. Сухонская, 11")
    tomorrow = clock.now() + timedelta(days=1)
    draft = OrderDraft(client.id, address="ул. Сухонская, 11", scheduled_at=tomorrow)
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.OFFER)
    return order, workers


async def _refusal(call) -> str:
    with pytest.raises(DomainError) as refused:
        await call
    return refused.value.code


async def test_a_second_tap_by_the_taker_says_the_order_is_theirs(services, clock):
    order, (ivan, wang) = await _offered(services, clock)
    await services.orders.act(ivan, order.id, OrderAction.TAKE)
    assert await _refusal(services.orders.act(ivan, order.id, OrderAction.TAKE)) == "order_yours"
    assert await _refusal(services.orders.act(wang, order.id, OrderAction.TAKE)) == "order_taken"


async def test_two_taps_at_once_by_the_same_worker(services, clock):
    order, (ivan, _wang) = await _offered(services, clock)
    results = await asyncio.gather(
        *(services.orders.act(ivan, order.id, OrderAction.TAKE) for _ in range(3)),
        return_exceptions=True,
    )
    refused = [r.code for r in results if isinstance(r, DomainError)]
    assert len(refused) == 2, results
    assert refused == ["order_yours", "order_yours"]
