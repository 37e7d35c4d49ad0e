"""Reading orders as a person may see them: the order if they may, and its cards. Cards are
drawn from facts loaded once for all the orders and viewers at hand (`core.bundles`): a page
of orders for one person, or one order for everyone a change concerns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from core.bundles import CardFacts
from core.catalogue.rules import may_add_line
from core.domain import Actor, Membership, Order, Organization, User
from core.errors import DomainError
from core.orders.areas import area_of
from core.orders.rules import available_actions, may_view
from core.permissions import Action, allowed, contacts_cutoff
from core.ports import Clock, UnitOfWork
from core.recurring.model import Series
from core.views import OrderCard, ShownCard, client_view


async def visible_order(uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
    """The order, or `order_gone` when it does not exist or the actor may not see it."""
    if actor.organization is None or actor.role is None:
        raise DomainError("no_organization")
    order = await uow.orders.get(actor.organization.id, order_id)
    if order is None or not may_view(actor, order):
        raise DomainError("order_gone")
    return order


def member(org: Organization, person: tuple[User, Membership | None] | None) -> Actor | None:
    """A person as an active member of `org` (None: not one), to draw what they see."""
    if person is None:
        return None
    user, membership = person
    if membership is None or not membership.active:
        return None
    return Actor(user, org, membership)


async def load_facts(
    uow: UnitOfWork,
    org: Organization,
    now: datetime,
    orders: Sequence[Order],
    viewers: Iterable[Actor],
) -> CardFacts:
    """What the cards of `orders` for `viewers` are drawn from, in one statement; whose
    clients' contacts are held is asked only for the viewers who do not see every client's.
    The line items of orders that have some take one more statement (`core.catalogue`)."""
    holders = [v.user.id for v in viewers if not allowed(v.role, Action.CLIENT_CONTACTS_ANY)]
    facts = await uow.orders.card_facts(org.id, orders, holders, contacts_cutoff(org, now))
    itemized = [o.id for o in orders if o.line_count]
    if itemized:
        facts = replace(facts, lines=await uow.catalogue.lines(org.id, itemized))
    return facts


def draw(
    viewer: Actor,
    order: Order,
    facts: CardFacts,
    people: Mapping[int, User],
    now: datetime,
    series: Mapping[int, Series] | None = None,
) -> OrderCard:
    """The card of `order` as `viewer` sees it (`people`: the assignee among them)."""
    org = viewer.organization
    assert org is not None
    client = facts.clients.get(order.client_id or -1)
    view = None
    if client is not None:
        everything = allowed(viewer.role, Action.CLIENT_CONTACTS_ANY)
        view = client_view(client, everything or (viewer.user.id, client.id) in facts.held)
    hidden = view is not None and not view.contacts_visible
    sees_all = allowed(viewer.role, Action.ORDER_VIEW_ALL)
    own = sees_all or order.assignee_id == viewer.user.id
    return OrderCard(
        order,
        org,
        view,
        facts.categories.get(order.category_id or -1),
        people.get(order.assignee_id or -1),
        tuple(available_actions(viewer, order)),
        viewer.user,
        sees_history=sees_all,
        files=facts.files.get(order.id, {}) if own else {},
        payments=facts.payments.get(order.id, ()),
        client_confirmed_at=facts.confirmed.get(order.id),
        lines=facts.lines.get(order.id, ()),
        can_add_line=may_add_line(viewer, order),
        area=area_of(order.address) if hidden and order.assignee_id is None else None,
        now=now,
        series=(series or {}).get(order.series_id or -1),
    )


async def build_cards(
    uow: UnitOfWork, clock: Clock, actor: Actor, orders: list[Order]
) -> list[OrderCard]:
    """Cards for a page of orders in two statements, however long the page."""
    org = actor.organization
    assert org is not None
    if not orders:
        return []
    now = clock.now()
    assignees = [o.assignee_id for o in orders if o.assignee_id is not None]
    found = await uow.orders.people(org.id, assignees)
    people = {user_id: user for user_id, (user, _) in found.people.items()}
    facts = await load_facts(uow, org, now, orders, [actor])
    series = await series_of(uow, org.id, orders)
    return [draw(actor, o, facts, people, now, series) for o in orders]


async def build_card(uow: UnitOfWork, clock: Clock, actor: Actor, order: Order) -> OrderCard:
    return (await build_cards(uow, clock, actor, [order]))[0]


async def card_for(
    uow: UnitOfWork, clock: Clock, viewer_id: int, order: Order
) -> tuple[User | None, OrderCard | None]:
    """The card as a member sees it: (the member, None) if they may no longer see it (an
    offer someone else took, a member who left)."""
    org = await uow.orgs.get(order.organization_id)
    wanted = [viewer_id] if order.assignee_id is None else [viewer_id, order.assignee_id]
    found = await uow.orders.people(order.organization_id, wanted)
    person = found.people.get(viewer_id)
    user = person[0] if person else None
    viewer = member(org, person) if org is not None else None
    if org is None or viewer is None or not may_view(viewer, order):
        return user, None
    now = clock.now()
    facts = await load_facts(uow, org, now, [order], [viewer])
    people = {user_id: u for user_id, (u, _) in found.people.items()}
    series = await series_of(uow, org.id, [order])
    return viewer.user, draw(viewer, order, facts, people, now, series)


async def series_of(uow: UnitOfWork, org_id: int, orders: Sequence[Order]) -> dict[int, Series]:
    """The series of the orders that are visits of one (no statement when none is)."""
    ids = [o.series_id for o in orders if o.series_id is not None]
    return await uow.series.many(org_id, ids) if ids else {}


async def shown_cards(
    uow: UnitOfWork, org: Organization, order: Order, now: datetime
) -> tuple[ShownCard, ...]:
    """Every message showing `order` with the card its viewer now sees there, for a change
    nobody of the staff made (the client's answer about a new total): as `OrderChanges.drawn`
    redraws them, in two statements more (none past the first when no message shows it)."""
    wanted = [order.assignee_id] if order.assignee_id is not None else []
    found = await uow.orders.people(org.id, wanted, shown=order.id)
    if not found.messages:
        return ()
    viewers: dict[int, Actor] = {}
    for message in found.messages:
        viewer = member(org, found.people.get(message.viewer_id))
        if viewer is not None and may_view(viewer, order):
            viewers.setdefault(message.viewer_id, viewer)
    facts = await load_facts(uow, org, now, [order], viewers.values())
    people = {user_id: user for user_id, (user, _) in found.people.items()}
    cards = {i: draw(v, order, facts, people, now) for i, v in viewers.items()}
    return tuple(
        ShownCard(m.chat_id, m.message_id, found.people[m.viewer_id][0], cards.get(m.viewer_id))
        for m in found.messages
    )
