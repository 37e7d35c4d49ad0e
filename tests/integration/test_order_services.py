"""Order services on both databases: the pool race, transitions, payments, least privilege."""

import asyncio
from datetime import timedelta

import pytest

from core.domain import OrderStatus, Role
from core.errors import DomainError
from core.orders.listing import ListKind
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.support import onboard, owner_with_org, profile, profile_of, services_for


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _workers(services, owner, count):
    token = (await services.invites.create(owner, Role.WORKER, uses=count)).token
    people = []
    for i in range(count):
        person = profile(f"W{i}")
        actor = await onboard(services, person)
        await services.invites.accept(actor, token)
        people.append(await services.users.identify(person))
    return people


async def _client_order(services, owner, clock, phone="+79161234567"):
    client = await services.clients.create(owner, "Пётр Сидоров", phone, "ул. Сухонская, 11")
    draft = OrderDraft(
        client.id,
        address="ул. Сухонская, 11",
        price_minor=350000,
        scheduled_at=clock.now() + timedelta(days=1),
    )
    return client, await services.orders.create(owner, draft)


async def test_first_tap_wins_under_concurrency(services, clock):
    owner = await owner_with_org(services)
    workers = await _workers(services, owner, 5)
    _, order = await _client_order(services, owner, clock)
    offer = await services.orders.act(owner, order.id, OrderAction.OFFER)
    assert {n.recipient.id for n in offer.notices} == {w.user.id for w in workers}
    results = await asyncio.gather(
        *(services.orders.act(w, order.id, OrderAction.TAKE) for w in workers),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 4
    assert {e.code for e in losers} <= {"order_taken", "order_transition", "forbidden"}
    card = await services.orders.card(owner, order.id)
    assert card.order.status is OrderStatus.ASSIGNED
    assert card.order.assignee_id == winners[0].card.order.assignee_id
    takes = [e for e, _ in await services.orders.history(owner, order.id) if e.kind == "take"]
    assert len(takes) == 1


async def test_the_whole_life_and_payments(services, clock):
    owner = await owner_with_org(services)
    (worker,) = await _workers(services, owner, 1)
    _, order = await _client_order(services, owner, clock)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    with pytest.raises(DomainError) as early:
        await services.orders.act(worker, order.id, OrderAction.DONE)
    assert early.value.code == "order_transition"
    await services.orders.act(worker, order.id, OrderAction.START)
    done = await services.orders.act(worker, order.id, OrderAction.DONE)
    # Done needs nobody's attention: the owner's card is edited, no new message (audiences).
    assert [n.recipient.id for n in done.notices] == []
    with pytest.raises(DomainError) as again:
        await services.orders.act(worker, order.id, OrderAction.DONE)
    assert again.value.code == "order_already"
    await services.orders.act(
        worker, order.id, OrderAction.PAY, amount_minor=300000, method="cash"
    )
    paid = await services.orders.act(
        owner, order.id, OrderAction.PAY, amount_minor=50000, method="card"
    )
    assert paid.card.order.paid_minor == 350000
    kinds = [e.kind for e, _ in await services.orders.history(owner, order.id)]
    assert kinds == ["created", "assign", "start", "done", "pay", "pay"]
    with pytest.raises(DomainError):
        await services.orders.act(worker, order.id, OrderAction.CANCEL)


async def test_least_privilege_for_workers(services, clock):
    owner = await owner_with_org(services)
    first, second = await _workers(services, owner, 2)
    client, order = await _client_order(services, owner, clock)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=first.user.id)
    mine = await services.clients.card(first, client.id)
    assert mine.view.phones == ("+79161234567",) and mine.view.address
    theirs = await services.clients.card(second, client.id)
    assert theirs.view.phones == () and theirs.view.address is None and theirs.orders == ()
    found = await services.clients.find(second, "916 123")
    assert found.items == (), "a worker mapped a phone to a client they do not serve"
    assert await services.clients.inline(second, "Сидоров") == []
    with pytest.raises(DomainError):
        await services.orders.card(second, order.id)
    with pytest.raises(DomainError):
        await services.orders.by_number(second, order.number)
    await services.orders.act(first, order.id, OrderAction.START)
    await services.orders.act(first, order.id, OrderAction.DONE)
    await services.orders.act(first, order.id, OrderAction.PAY, amount_minor=350000, method="cash")
    clock.advance(hours=25)
    closed = await services.clients.card(first, client.id)
    assert closed.view.phones == (), "contacts stay visible after the order is closed"
    listing = await services.orders.listing(second, ListKind.OPEN)
    assert listing.total == 0


async def test_duplicate_phone_is_refused_and_merge_keeps_histories(services, clock):
    owner = await owner_with_org(services)
    first, order = await _client_order(services, owner, clock)
    with pytest.raises(DomainError) as duplicate:
        await services.clients.create(owner, "Петя", "8 (916) 123-45-67")
    assert duplicate.value.code == "client_duplicate"
    second = await services.clients.create(owner, "Петя С.", "+79160000000")
    draft = OrderDraft(second.id, price_minor=1000)
    other_order = await services.orders.create(owner, draft)
    merged = await services.clients.merge(owner, first.id, second.id)
    assert set(merged.phones) == {"+79161234567", "+79160000000"}
    card = await services.clients.card(owner, first.id)
    assert {o.id for o in card.orders} == {order.id, other_order.id}
    found = await services.clients.find(owner, "Петя")
    assert [v.id for v in found.items] == [], "a merged card still shows up in search"
    found = await services.clients.find(owner, "9160000")
    assert [v.id for v in found.items] == [first.id]


async def test_tenants_are_isolated(services, clock):
    owner = await owner_with_org(services)
    client, order = await _client_order(services, owner, clock)
    stranger = await owner_with_org(services, "Другая")
    assert (await services.clients.find(stranger, "Сидоров")).items == ()
    with pytest.raises(DomainError):
        await services.clients.card(stranger, client.id)
    with pytest.raises(DomainError):
        await services.orders.card(stranger, order.id)
    with pytest.raises(DomainError):
        await services.orders.act(stranger, order.id, OrderAction.CANCEL)
    me = await services.users.identify(profile_of(owner))
    assert me.organization.name == "Чистый дом"
