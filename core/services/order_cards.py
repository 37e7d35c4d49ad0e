"""Reading orders as a person may see them: the order if they may, its card as they see it,
and another member of the organization as an actor (to render what they see)."""

from __future__ import annotations

from core.areas import area_of
from core.domain import Actor, Order, User
from core.errors import DomainError
from core.orders import available_actions, may_view
from core.permissions import Action, allowed, contacts_cutoff
from core.ports import Clock, UnitOfWork
from core.views import OrderCard, client_view


async def visible_order(uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
    """The order, or `order_gone` when it does not exist or the actor may not see it."""
    if actor.organization is None or actor.role is None:
        raise DomainError("no_organization")
    order = await uow.orders.get(actor.organization.id, order_id)
    if order is None or not may_view(actor, order):
        raise DomainError("order_gone")
    return order


async def build_cards(
    uow: UnitOfWork, clock: Clock, actor: Actor, orders: list[Order]
) -> list[OrderCard]:
    """Cards for a page of orders with a fixed number of queries, however long the page."""
    org = actor.organization
    assert org is not None
    client_ids = sorted({o.client_id for o in orders if o.client_id is not None})
    clients = {c.id: c for c in await uow.clients.many(org.id, client_ids)}
    everything = allowed(actor.role, Action.CLIENT_CONTACTS_ANY)
    now = clock.now()
    cutoff = contacts_cutoff(org, now)
    mine = set() if everything else await uow.orders.served_clients(org.id, actor.user.id, cutoff)
    categories = {c.id: c.name for c in await uow.categories.listing(org.id)}
    people = {
        u.id: u for u in await uow.users.many([o.assignee_id for o in orders if o.assignee_id])
    }
    files = await uow.attachments.counts_for(org.id, [o.id for o in orders])
    payments = await uow.orders.payments(org.id, [o.id for o in orders])
    sees_all = allowed(actor.role, Action.ORDER_VIEW_ALL)
    cards = []
    for o in orders:
        client = clients.get(o.client_id or -1)
        view = client_view(client, everything or client.id in mine) if client else None
        hidden = view is not None and not view.contacts_visible
        cards.append(
            OrderCard(
                o,
                org,
                view,
                categories.get(o.category_id or -1),
                people.get(o.assignee_id or -1),
                tuple(available_actions(actor, o)),
                actor.user,
                sees_history=sees_all,
                files=files.get(o.id, {}) if (sees_all or o.assignee_id == actor.user.id) else {},
                payments=tuple(payments.get(o.id, ())),
                area=area_of(o.address) if hidden and o.assignee_id is None else None,
                now=now,
            )
        )
    return cards


async def build_card(uow: UnitOfWork, clock: Clock, actor: Actor, order: Order) -> OrderCard:
    return (await build_cards(uow, clock, actor, [order]))[0]


async def actor_for(
    uow: UnitOfWork, user: User | None, like: Actor | None, org_id: int | None = None
) -> Actor | None:
    """Another member of the same organization, as an actor (for rendering what they see)."""
    if user is None:
        return None
    org_id = (
        org_id
        if org_id is not None
        else (like.organization.id if like and like.organization else None)
    )
    if org_id is None:
        return None
    membership = await uow.members.get(org_id, user.id)
    if membership is None or not membership.active:
        return None
    return Actor(user, await uow.orgs.get(org_id), membership)
