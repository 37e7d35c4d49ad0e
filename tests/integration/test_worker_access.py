"""A worker's access to a client on both databases: contacts while the order is open or
unpaid and for the organization's grace period after it is settled; client search that only
answers with the clients a worker serves; offers that show the area, never the address."""

from datetime import timedelta

import pytest

from core.domain import PaymentMethod, Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from handlers.i18n import Catalogs
from handlers.orders.cards import order_text
from tests.support import onboard, owner_with_org, profile, services_for

CATALOGS = Catalogs()

ADDRESS = "Москва, ул. Сухонская, 11, кв. 5"


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _team(services):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=2)).token
    people = []
    for name in ("Иван", "Ван"):
        person = profile(name)
        await services.invites.accept(await onboard(services, person), token)
        people.append(person)
    return owner, people


async def _order(services, owner, clock, price=350000, client_name="Пётр Сидоров"):
    client = await services.clients.create(owner, client_name, "+79161234567", ADDRESS)
    draft = OrderDraft(
        client.id,
        address=ADDRESS,
        price_minor=price,
        scheduled_at=clock.now() + timedelta(hours=3),
    )
    return client, await services.orders.create(owner, draft)


async def _done(services, owner, worker, order):
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await services.orders.act(worker, order.id, OrderAction.START)
    await services.orders.act(worker, order.id, OrderAction.DONE)


async def test_contacts_stay_until_paid_and_for_the_grace_period(services, clock):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    client, order = await _order(services, owner, clock)
    await _done(services, owner, ivan, order)
    clock.advance(days=10)
    unpaid = await services.orders.card(ivan, order.id)
    assert unpaid.address_visible and unpaid.client.phones == ("+79161234567",)
    assert (await services.clients.card(ivan, client.id)).view.phones == ("+79161234567",)
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=100000, method="cash")
    clock.advance(days=2)
    assert (await services.orders.card(ivan, order.id)).address_visible, "partly paid is unpaid"
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=250000, method="card")
    clock.advance(hours=23, minutes=59)
    assert (await services.orders.card(ivan, order.id)).address_visible, "no grace period"
    clock.advance(minutes=2)
    closed = await services.orders.card(ivan, order.id)
    assert not closed.address_visible and closed.access_ended
    assert closed.client.phones == () and closed.area is None
    assert (await services.clients.card(ivan, client.id)).view.phones == ()


async def test_a_cancelled_order_and_the_organizations_own_grace_period(services, clock):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    client, order = await _order(services, owner, clock)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=ivan.user.id)
    await services.orders.act(owner, order.id, OrderAction.CANCEL)
    clock.advance(hours=2)
    assert (await services.clients.card(ivan, client.id)).view.phones
    assert await services.team.set_contact_grace(owner, 1) == 1
    with pytest.raises(DomainError) as wrong:
        await services.team.set_contact_grace(owner, 1000)
    assert wrong.value.code == "contact_grace_range"
    ivan = await services.users.identify(ivan_profile)  # each update loads the organization
    assert ivan.organization.contact_grace_hours == 1
    assert (await services.clients.card(ivan, client.id)).view.phones == ()
    with pytest.raises(DomainError):
        await services.team.set_contact_grace(ivan, 48)


async def test_a_priceless_order_is_settled_when_done(services, clock):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    _, order = await _order(services, owner, clock, price=None)
    await _done(services, owner, ivan, order)
    clock.advance(hours=23)
    assert (await services.orders.card(ivan, order.id)).address_visible
    clock.advance(hours=2)
    assert not (await services.orders.card(ivan, order.id)).address_visible


async def test_a_worker_searches_only_the_clients_they_serve(services, clock):
    owner, (ivan_profile, wang_profile) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    wang = await services.users.identify(wang_profile)
    client, order = await _order(services, owner, clock)
    await services.clients.create(owner, "Пётр Иванов", "+79169998877")
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=ivan.user.id)
    for text in ("916 123", "79161234567", "Сидоров", "Пётр"):
        assert (await services.clients.find(wang, text)).items == (), text
    assert [v.id for v in (await services.clients.find(ivan, "Пётр")).items] == [client.id]
    assert [v.id for v in (await services.clients.find(ivan, "8916123")).items] == [client.id]
    assert (await services.clients.find(ivan, "9998877")).items == ()
    manager_view = await services.clients.find(owner, "Пётр")
    assert len(manager_view.items) == 2


async def test_an_offer_shows_the_street_and_the_time_not_the_address(services, clock):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    _, order = await _order(services, owner, clock)
    offer = await services.orders.act(owner, order.id, OrderAction.OFFER)
    [seen] = [n.card for n in offer.notices if n.recipient.id == ivan.user.id]
    assert seen.area == "ул. Сухонская" and not seen.address_visible
    assert seen.order.scheduled_at is not None
    offers = await services.orders.offers(ivan)
    assert [c.order.id for c in offers.items] == [order.id]
    taken = await services.orders.act(ivan, order.id, OrderAction.TAKE)
    assert taken.card.address_visible and taken.card.area is None
    assert (await services.orders.offers(ivan)).items == ()


async def test_split_payments_are_each_on_the_card(services, clock):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    _, order = await _order(services, owner, clock)
    await _done(services, owner, ivan, order)
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=100000, method="cash")
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=250000, method="card")
    card = await services.orders.card(owner, order.id)
    assert [(p.amount_minor, p.method) for p in card.payments] == [
        (100000, PaymentMethod.CASH),
        (250000, PaymentMethod.CARD),
    ]
    assert card.order.paid_minor == 350000
    text = order_text(CATALOGS.get("en"), card)
    assert "paid 3,500\xa0RUB\n   · 1,000\xa0RUB cash\n   · 2,500\xa0RUB card" in text
    clock.advance(minutes=1)
    digest = await services.notifications.digest_for(owner)
    assert digest.digest.revenue_by_method == {"card": 250000, "cash": 100000}
    assert digest.digest.revenue.now == 350000


async def test_the_export_lists_each_payment_with_its_method(services, clock, uow_factory):
    owner, (ivan_profile, _) = await _team(services)
    ivan = await services.users.identify(ivan_profile)
    _, order = await _order(services, owner, clock)
    await _done(services, owner, ivan, order)
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=100000, method="cash")
    await services.orders.act(owner, order.id, OrderAction.PAY, amount_minor=250000, method="card")
    async with uow_factory() as uow:
        entities = {e.name: e for e in await uow.privacy.entities(owner.organization.id)}
    payments = entities["order_payments"]
    assert [(r["order_number"], r["amount_minor"], r["method"]) for r in payments.rows] == [
        (order.number, 100000, "cash"),
        (order.number, 250000, "card"),
    ]
    assert [r["recorded_by"] for r in payments.rows] == [ivan.user.id, owner.user.id]
    assert ("method", "text") in payments.columns
