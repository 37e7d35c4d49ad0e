"""Order cards drawn from facts loaded once (both databases): a change draws the card of
everyone who sees the order, a sent card catches up only when its order changed, and the
sender of an update is identified in one statement."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from sqlalchemy import event, update

from core.changes import NewAttachment
from core.domain import PolicyStanding, Role
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.tables import CategoryRow, OrderRow
from tests.support import onboard, owner_with_org, profile, profile_of, services_for

PHONES = ["+79161234567", "+79169876543"]


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _workers(services, owner, count):
    token = (await services.invites.create(owner, Role.WORKER, uses=count)).token
    people = []
    for i in range(count):
        person = profile(f"W{i}", "en")
        await services.invites.accept(await onboard(services, person), token)
        people.append(await services.users.identify(person))
    return people


async def _order(services, uow_factory, clock, owner, active_category=True):
    """An order for a client with two phones, of a category, with two photos and a file."""
    org_id = owner.organization.id
    async with uow_factory() as uow:
        client = await uow.clients.add(org_id, "Анна", PHONES, "Тверская 1", "код 12", clock.now())
        category = (await uow.categories.listing(org_id))[0]
        if not active_category:
            await uow.session.execute(
                update(CategoryRow).where(CategoryRow.id == category.id).values(active=False)
            )
        await uow.commit()
    draft = OrderDraft(client.id, address="Тверская 1", category_id=category.id, price_minor=5000)
    order = await services.orders.create(owner, draft)
    async with uow_factory() as uow:
        for i, kind in enumerate(("photo", "photo", "document")):
            new = NewAttachment(
                order_id=order.id,
                kind=kind,
                storage_key=f"k{i}",
                sha256=f"{i:064}",
                size=1,
                mime="image/jpeg",
                created_by=owner.user.id,
            )
            await uow.attachments.add(org_id, clock.now(), new)
        await uow.commit()
    return order, category


async def _shown(services, order, viewer, chat_id, message_id, kind="card"):
    drawn = (order.organization_id, order.id, order.version)
    return await services.orders.remember_sent(drawn, (viewer.user.id, chat_id, message_id, kind))


async def test_a_change_draws_the_card_of_everyone_who_sees_the_order(
    services, uow_factory, clock
):
    owner = await owner_with_org(services)
    ivan, wang = await _workers(services, owner, 2)
    order, category = await _order(services, uow_factory, clock, owner)
    offered = (await services.orders.act(owner, order.id, OrderAction.OFFER)).card.order
    await _shown(services, offered, wang, 3, 31, "offer")
    assigned = await services.orders.act(
        owner, order.id, OrderAction.ASSIGN, assignee_id=ivan.user.id
    )
    await _shown(services, assigned.card.order, owner, 1, 11)
    await _shown(services, assigned.card.order, ivan, 2, 21)

    started = await services.orders.act(ivan, order.id, OrderAction.START)

    shown = [(s.chat_id, s.message_id, s.viewer.id) for s in started.shown]
    assert shown == [(3, 31, wang.user.id), (1, 11, owner.user.id), (2, 21, ivan.user.id)]
    assert started.shown[0].card is None  # no longer on offer, and not his
    bosses, own = started.shown[1].card, started.shown[2].card
    assert own == started.card  # drawn once for the worker, whoever asked
    assert bosses is not None and own is not None
    for card in (bosses, own):
        assert card.client is not None and card.client.phones == tuple(PHONES)
        assert card.client.notes == "код 12" and card.category == category.name
        assert card.assignee == ivan.user and card.files == {"photo": 2, "document": 1}
    assert bosses.sees_history and not own.sees_history
    assert OrderAction.DONE in own.actions and OrderAction.DONE not in bosses.actions


async def test_payments_and_contacts_as_each_viewer_may_see_them(services, uow_factory, clock):
    owner = await owner_with_org(services)
    (ivan,) = await _workers(services, owner, 1)
    order, _ = await _order(services, uow_factory, clock, owner, active_category=False)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=ivan.user.id)
    await services.orders.act(ivan, order.id, OrderAction.START)
    done = await services.orders.act(ivan, order.id, OrderAction.DONE)
    await _shown(services, done.card.order, owner, 1, 11)
    await services.orders.act(ivan, order.id, OrderAction.PAY, amount_minor=1500, method="cash")
    clock.advance(minutes=5)
    paid = await services.orders.act(
        owner, order.id, OrderAction.PAY, amount_minor=3500, method="card"
    )
    assert paid.card.category is None  # deactivated
    payments = [(p.amount_minor, p.method.value if p.method else None) for p in paid.card.payments]
    assert payments == [(1500, "cash"), (3500, "card")]
    assert paid.card.payments[1].at == clock.now()
    clock.advance(hours=25)  # past the grace period: the worker no longer sees the contacts
    late = await services.orders.card(ivan, order.id)
    assert late.client is not None and late.client.phones == () and late.access_ended
    assert late.payments == paid.card.payments
    assert (await services.orders.card(owner, order.id)).client.phones == tuple(PHONES)


async def test_a_sent_card_catches_up_only_when_its_order_changed(services, uow_factory, clock):
    owner = await owner_with_org(services)
    order, _ = await _order(services, uow_factory, clock, owner)
    assert await _shown(services, order, owner, 1, 11) is None  # drawn as it is
    changed = await services.orders.act(
        owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id
    )
    late = await _shown(services, order, owner, 1, 12)  # drawn before the change
    assert late is not None and late.version == changed.card.order.version
    assert await _shown(services, replace(order, id=order.id + 100), owner, 1, 13) is None
    again = await services.orders.act(owner, order.id, OrderAction.START)
    assert [s.message_id for s in again.shown] == [11, 12]  # both remembered, not the gone one
    user, card = await services.orders.card_for(owner.user.id, again.card.order)
    assert user == owner.user and card == again.card


async def test_a_card_remembered_while_a_change_commits_catches_up(services, uow_factory, clock):
    """A tap on a card as the card is being remembered (two transactions at once): the record
    waits for the change and finds the new version, so the card is caught up; before, it was
    recorded as drawn, while the change had drawn the cards without it, and kept its old state."""
    owner = await owner_with_org(services)
    order, _ = await _order(services, uow_factory, clock, owner)
    async with uow_factory() as tap:
        await tap.session.execute(
            update(OrderRow).where(OrderRow.id == order.id).values(version=OrderRow.version + 1)
        )
        remembering = asyncio.create_task(_shown(services, order, owner, 1, 11))
        await asyncio.sleep(0.3)
        assert not remembering.done(), "the record waits for the change"
        await tap.commit()
    late = await asyncio.wait_for(remembering, 5)
    assert late is not None and late.version == order.version + 1


@asynccontextmanager
async def _statements(uow_factory):
    async with uow_factory() as uow:
        engine = uow.session.bind.sync_engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_the_sender_of_an_update_is_known_in_one_statement(services, uow_factory, clock):
    owner = await owner_with_org(services)
    async with _statements(uow_factory) as seen:
        arrival = await services.users.arrive(501, profile_of(owner))
    assert len(seen) == 1 and not arrival.seen
    assert arrival.actor is not None  # with where they stand with the policy, read alongside
    assert (
        arrival.actor.policy == PolicyStanding() and replace(arrival.actor, policy=None) == owner
    )
    async with uow_factory() as uow:
        await uow.updates.claim(501, clock.now())
        await uow.commit()
    assert (await services.users.arrive(501, profile_of(owner))).seen
    assert (await services.users.arrive(501, None)).seen
    stranger = profile("Stranger")
    met = await services.users.arrive(502, stranger)
    assert met.actor is not None and met.actor.organization is None
    assert met.actor.user.telegram_id == stranger.telegram_id
    renamed = replace(profile_of(owner), first_name="Ольга")
    again = await services.users.arrive(503, renamed)
    assert again.actor is not None and again.actor.user.first_name == "Ольга"
    assert again.actor.organization == owner.organization
    assert again.actor.membership == owner.membership


async def test_an_offer_costs_the_same_statements_however_many_workers_hear_of_it(
    services, uow_factory, clock
):
    """The order, its UPDATE ... RETURNING, its event, the team, the people, the facts."""
    owner = await owner_with_org(services)
    for added, team in ((1, 1), (3, 4)):
        await _workers(services, owner, added)
        order, _ = await _order(services, uow_factory, clock, owner)
        async with _statements(uow_factory) as seen:
            offer = await services.orders.act(owner, order.id, OrderAction.OFFER)
        assert len(offer.notices) == team
        assert len(seen) == 6, "\n".join(seen)
